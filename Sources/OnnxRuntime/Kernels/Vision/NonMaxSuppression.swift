import OnnxModel

extension NN {
    /// NonMaxSuppression: per batch and class, greedily keeps the highest-scoring boxes (ties:
    /// lower index first) whose IoU with every kept box is at most iou_threshold, up to
    /// max_output_boxes_per_class, skipping scores not above score_threshold. Boxes are
    /// [y1, x1, y2, x2] (any corner order) or, with center_point_box=1, [x, y, w, h].
    /// Output [num_selected, 3] int64 rows (batch, class, box).
    public struct NonMaxSuppression: OpKernel {
        public static let sinceVersions = [10, 11]
        let centerPointBox: Bool

        public init(_ node: NodeContext) throws {
            let c = try node.int("center_point_box", default: 0)
            guard c == 0 || c == 1 else { throw KernelError("center_point_box must be 0 or 1, got \(c)") }
            centerPointBox = c == 1
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let boxes = try inputs.tensor(0), scores = try inputs.tensor(1)
            guard boxes.rank == 3, boxes.shape[2] == 4 else { throw KernelError("boxes must be [batch, boxes, 4], got \(shapeText(boxes.shape))") }
            guard scores.rank == 3, scores.shape[0] == boxes.shape[0], scores.shape[2] == boxes.shape[1] else {
                throw KernelError("scores \(shapeText(scores.shape)) must be [\(boxes.shape[0]), classes, \(boxes.shape[1])]")
            }
            let maxOut = try inputs.optionalTensor(2).flatMap { $0.count > 0 ? Swift.max(0, Int(fromDouble: $0.doubleValue(at: 0))) : nil } ?? 0
            let iou = try inputs.optionalTensor(3).flatMap { $0.count > 0 ? $0.doubleValue(at: 0) : nil } ?? 0
            let scoreThreshold = try inputs.optionalTensor(4).flatMap { $0.count > 0 ? $0.doubleValue(at: 0) : nil }
            let bv = try Cast.convert(boxes, to: .double).elements(as: Double.self)
            let sv = try Cast.convert(scores, to: .double).elements(as: Double.self)
            let nb = boxes.shape[0], nbox = boxes.shape[1], nc = scores.shape[1]
            // Corner form (ymin, xmin, ymax, xmax) of every box.
            var corners = [Double](repeating: 0, count: nb * nbox * 4)
            for i in 0..<(nb * nbox) {
                let b = Array(bv[(i * 4)..<(i * 4 + 4)])
                if centerPointBox {
                    corners[i * 4] = b[1] - b[3] / 2; corners[i * 4 + 2] = b[1] + b[3] / 2
                    corners[i * 4 + 1] = b[0] - b[2] / 2; corners[i * 4 + 3] = b[0] + b[2] / 2
                } else {
                    corners[i * 4] = Swift.min(b[0], b[2]); corners[i * 4 + 2] = Swift.max(b[0], b[2])
                    corners[i * 4 + 1] = Swift.min(b[1], b[3]); corners[i * 4 + 3] = Swift.max(b[1], b[3])
                }
            }
            func suppress(_ a: Int, _ b: Int) -> Bool {
                let p = a * 4, q = b * 4
                let ix0 = Swift.max(corners[p + 1], corners[q + 1]), ix1 = Swift.min(corners[p + 3], corners[q + 3])
                if ix1 <= ix0 { return false }
                let iy0 = Swift.max(corners[p], corners[q]), iy1 = Swift.min(corners[p + 2], corners[q + 2])
                if iy1 <= iy0 { return false }
                let inter = (ix1 - ix0) * (iy1 - iy0)
                let a1 = (corners[p + 3] - corners[p + 1]) * (corners[p + 2] - corners[p])
                let a2 = (corners[q + 3] - corners[q + 1]) * (corners[q + 2] - corners[q])
                let union = a1 + a2 - inter
                if inter <= 0 || a1 <= 0 || a2 <= 0 || union <= 0 { return false }
                return inter / union > iou
            }
            var out: [Int64] = []
            if maxOut > 0 {
                for b in 0..<nb {
                    for c in 0..<nc {
                        let so = (b * nc + c) * nbox
                        var cand = (0..<nbox).filter { scoreThreshold == nil || sv[so + $0] > scoreThreshold! }
                        cand.sort { sv[so + $0] > sv[so + $1] || (sv[so + $0] == sv[so + $1] && $0 < $1) }
                        var kept: [Int] = []
                        for i in cand {
                            if kept.count >= maxOut { break }
                            if kept.contains(where: { suppress(b * nbox + i, b * nbox + $0) }) { continue }
                            kept.append(i)
                            out += [Int64(b), Int64(c), Int64(i)]
                        }
                    }
                }
            }
            return [.tensor(Tensor(shape: [out.count / 3, 3], out))]
        }
    }
}
