import OnnxModel
@testable import OnnxRuntime
import Testing

@Suite struct TextKernelTests {
    static let tokens = i32([2, 6], [1, 1, 3, 3, 3, 7, 8, 6, 7, 5, 6, 8])
    /// Unigrams 2 3 5 4, bigrams (5 6) (7 8) (6 7).
    static func tfidf(_ min: Int64, _ max: Int64, skip: Int64, _ mode: String, weights: [Float] = []) -> [Attribute] {
        [int("min_gram_length", min), int("max_gram_length", max), int("max_skip_count", skip), string("mode", mode),
         ints("ngram_counts", [0, 4]), ints("ngram_indexes", [0, 1, 2, 3, 4, 5, 6]), ints("pool_int64s", [2, 3, 5, 4, 5, 6, 7, 8, 6, 7])]
            + (weights.isEmpty ? [] : [floats("weights", weights)])
    }
    static let cases: [OpCase] = [
        OpCase("concat", "StringConcat", [strs([2], ["abc", "def"]), strs([2], [".com", ""])], [strs([2], ["abc.com", "def"])]),
        OpCase("concat broadcast 2-D", "StringConcat", [strs([2, 1], ["a", "b"]), strs([3], ["x", "y", "的"])],
               [strs([2, 3], ["ax", "ay", "a的", "bx", "by", "b的"])]),
        OpCase("concat scalars", "StringConcat", [strs([], ["cat"]), strs([], ["s"])], [strs([], ["cats"])]),
        OpCase("concat not strings", "StringConcat", [f32([1], [1]), strs([1], ["s"])], error: "string tensors"),
        OpCase("split delimiter", "StringSplit", [string("delimiter", "-")], [strs([2], ["o-n--x-", "a"])],
               [strs([2, 5], ["o", "n", "", "x", "", "a", "", "", "", ""]), i64([2], [5, 1])]),
        OpCase("split whitespace", "StringSplit", [strs([2], ["  hello   world ", ""])], [strs([2, 2], ["hello", "world", "", ""]), i64([2], [2, 0])]),
        OpCase("split maxsplit", "StringSplit", [int("maxsplit", 1)], [strs([2], ["a b  c ", "x.y"])],
               [strs([2, 2], ["a", "b  c ", "x.y", ""]), i64([2], [2, 1])]),
        OpCase("split multi-byte delimiter", "StringSplit", [string("delimiter", "::"), int("maxsplit", 1)], [strs([1], ["é::b::c"])],
               [strs([1, 2], ["é", "b::c"]), i64([1], [2])]),
        OpCase("split empty", "StringSplit", [strs([0], [])], [strs([0, 0], []), i64([0], [])]),
        OpCase("regex full match", "RegexFullMatch", [string("pattern", "www\\.[\\w.-]+\\.\\bcom\\b")],
               [strs([3], ["www.google.com", "www.bbc.co.uk", "xwww.a.com"])], [bools([3], [true, false, false])]),
        OpCase("regex ascii word class", "RegexFullMatch", [string("pattern", "\\w+")], [strs([2], ["abc_1", "héllo"])], [bools([2], [true, false])]),
        OpCase("regex invalid pattern", "RegexFullMatch", [string("pattern", "(a")], [strs([1], ["a"])], error: "not a valid regular expression"),
        OpCase("normalizer stopwords insensitive upper", "StringNormalizer",
               [string("case_change_action", "UPPER"), Attribute("stopwords", .strings([Array("monday".utf8)]))],
               [strs([1, 4], ["Monday", "tuesday", "MONDAY", ""])], [strs([1, 2], ["TUESDAY", ""])]),
        OpCase("normalizer everything removed", "StringNormalizer",
               [int("is_case_sensitive", 1), Attribute("stopwords", .strings([Array("a".utf8)]))], [strs([2], ["a", "a"])], [strs([1], [""])]),
        OpCase("normalizer lower", "StringNormalizer", [string("case_change_action", "LOWER")], [strs([2], ["ABC Déf", "x"])], [strs([2], ["abc déf", "x"])]),
        OpCase("normalizer bad shape", "StringNormalizer", [strs([2, 2], ["a", "b", "c", "d"])], error: "[C] or [1, C]"),
        OpCase("tfidf uni and bigrams", "TfIdfVectorizer", tfidf(1, 2, skip: 0, "TF"), [tokens],
               [f32([2, 7], [0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1])]),
        OpCase("tfidf bigrams with skips", "TfIdfVectorizer", tfidf(2, 2, skip: 5, "TF"), [tokens],
               [f32([2, 7], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1])]),
        OpCase("tfidf weights", "TfIdfVectorizer", tfidf(1, 2, skip: 5, "TFIDF", weights: [1, 2, 3, 4, 5, 6, 7]), [tokens],
               [f32([2, 7], [0, 6, 0, 0, 0, 0, 0, 0, 0, 3, 0, 5, 6, 7])]),
        OpCase("tfidf idf", "TfIdfVectorizer", tfidf(1, 1, skip: 0, "IDF", weights: [1, 2, 3, 4, 5, 6, 7]), [tokens],
               [f32([2, 7], [0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0])]),
        OpCase("tfidf strings 1-D", "TfIdfVectorizer",
               [int("min_gram_length", 1), int("max_gram_length", 2), int("max_skip_count", 1), string("mode", "TF"),
                ints("ngram_counts", [0, 2]), ints("ngram_indexes", [1, 0, 2]), strings("pool_strings", ["a", "c", "a", "b"])],
               [strs([5], ["a", "b", "a", "b", "c"])], [f32([3], [1, 2, 2])]),
        OpCase("tfidf unbounded skips", "TfIdfVectorizer", tfidf(1, 2, skip: Int64.max, "TF"), [tokens],
               [f32([2, 7], [0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1])]),
        OpCase("tfidf huge gram lengths", "TfIdfVectorizer", tfidf(1 << 62, 1 << 62, skip: 1, "TF"), [tokens], [f32([2, 7], [Float](repeating: 0, count: 14))]),
        OpCase("tfidf type mismatch", "TfIdfVectorizer", tfidf(1, 1, skip: 0, "TF"), [strs([1], ["a"])], error: "integer pool"),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(c) }
}
