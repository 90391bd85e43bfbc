// placeholder
import CNCurses
