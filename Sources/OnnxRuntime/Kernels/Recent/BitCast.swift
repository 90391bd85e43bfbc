import OnnxModel

extension Recent {
    /// BitCast: the same bits read as another type of the same width (little endian). Sub-byte
    /// types keep their low bits (sign-extended for int4/int2).
    public struct BitCast: OpKernel {
        public static let sinceVersions = [26]
        let to: DataType

        public init(_ node: NodeContext) throws {
            let code = try node.required("to") { (n: String) throws(KernelError) in try node.int(n) }
            guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)), t != .undefined else {
                throw KernelError("'to' \(code) is not a tensor type")
            }
            guard t != .string else { throw KernelError("BitCast to string is not supported") }
            to = t
        }

        static func bits(_ t: DataType) -> Int? {
            switch t {
            case .uint4, .int4, .float4e2m1: return 4
            case .uint2, .int2: return 2
            case .float6e2m3, .float6e3m2: return 6
            case .string, .undefined: return nil
            default: return t.storageSize.map { $0 * 8 }
            }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            guard x.dtype != .string else { throw KernelError("BitCast from string is not supported") }
            guard let a = BitCast.bits(x.dtype), let b = BitCast.bits(to), a == b else {
                throw KernelError("\(x.dtype.name) and \(to.name) differ in bit width")
            }
            if a >= 8 && to != .bool { return [.tensor(x.reinterpreted(as: to))] }
            // One byte per element: keep the type's low bits, sign-extend signed sub-byte targets.
            let mask: UInt8 = a >= 8 ? 0xFF : UInt8((1 << a) - 1)
            let signed = to == .int4 || to == .int2
            let out = Tensor.make(to, x.shape, as: UInt8.self) { d in
                x.withUnsafeBuffer(as: UInt8.self) { s in
                    for i in 0..<s.count {
                        var v = s[i] & mask
                        if signed && v & (1 << (a - 1)) != 0 { v |= ~mask }
                        d[i] = to == .bool ? (v != 0 ? 1 : 0) : v
                    }
                }
            }
            return [.tensor(out)]
        }
    }
}
