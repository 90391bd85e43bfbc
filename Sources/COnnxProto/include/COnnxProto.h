/* Umbrella header: the generated ONNX protobuf-c types. */
#include "onnx.pb-c.h"
#include "onnx-data.pb-c.h"
