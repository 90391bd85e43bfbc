import OnnxModel
@testable import OnnxRuntime

/// Literals for the NN kernel tables.
func nnI8(_ shape: [Int], _ v: [Int8]) -> Tensor { Tensor(shape: shape, v) }
/// A tensor of any 1-byte (or wider) type from raw storage values (int4 unpacked, float8 codes).
func nnTyped<T>(_ t: DataType, _ shape: [Int], _ v: [T]) -> Tensor { Tensor(dtype: t, shape: shape, v) }
func nnStrings(_ name: String, _ v: [String]) -> Attribute { Attribute(name, .strings(v.map { Array($0.utf8) })) }
func nnFloats(_ name: String, _ v: [Float]) -> Attribute { Attribute(name, .floats(v)) }
