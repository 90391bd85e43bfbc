// placeholder
import CBLAS
