import Testing
@testable import PlanBuildSupport

/// How parsed values are stored: small objects without a key index, large ones with it, arrays
/// and objects in storage of exactly their size, and a parse that gives its input back as it goes.
@Suite struct JSONStorageTests {
    /// `{"k0": 0, "k1": 1, …}` with `count` keys.
    private func object(keys count: Int, extra: String = "") -> String {
        "{" + (0..<count).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + extra + "}"
    }

    @Test(arguments: [0, 1, JSONObject.indexedCount, JSONObject.indexedCount + 1, 40, 3000])
    func everyKeyIsFoundAtEverySize(_ count: Int) throws {
        let parsed = try #require(try JSONParser.parse(object(keys: count)).objectValue)
        #expect(parsed.count == count)
        for key in 0..<count { #expect(parsed["k\(key)"] == .int(key)) }
        #expect(parsed["k\(count)"] == nil)
        #expect(parsed["K0"] == nil)
        #expect(parsed.keys == (0..<count).map { "k\($0)" })
    }

    /// A repeated key keeps its first position and takes the last value, below and above the
    /// size where the index starts, and when the repeat is the key that makes the index.
    @Test(arguments: [3, JSONObject.indexedCount, JSONObject.indexedCount + 1, 100])
    func repeatedKeysKeepTheFirstPositionAndTheLastValue(_ count: Int) throws {
        let text = object(keys: count, extra: #", "k0": "last", "k\#(count - 1)": "end", "new": 1, "k1": [1]"#)
        let parsed = try #require(try JSONParser.parse(text).objectValue)
        #expect(parsed.keys == (0..<count).map { "k\($0)" } + ["new"])
        #expect(parsed["k0"] == .string("last"))
        #expect(parsed["k1"] == .array([1]))
        #expect(parsed["k\(count - 1)"] == .string("end"))
        #expect(parsed["new"] == .int(1))
        // Built by hand the same way.
        let built = JSONObject((0..<count).map { ("k\($0)", JSONValue.int($0)) } +
                               [("k0", "last"), ("k\(count - 1)", "end"), ("new", 1), ("k1", [1])])
        #expect(built == parsed)
    }

    @Test(arguments: [5, 30])
    func editsKeepTheOrderAndTheLookups(_ count: Int) throws {
        var edited = try #require(try JSONParser.parse(object(keys: count)).objectValue)
        edited["k2"] = nil
        edited["k0"] = "first"
        edited["added"] = true
        edited["k2"] = 2
        edited["missing"] = nil
        let keys = ["k0", "k1"] + (3..<count).map { "k\($0)" } + ["added", "k2"]
        #expect(edited.keys == keys)
        for (position, key) in keys.enumerated() { #expect(edited[key] == edited.entries[position].value) }
        #expect(edited["k0"] == "first")
        #expect(edited["k2"] == 2)
        // Removing down to a small object and growing again.
        for key in keys.dropFirst() { edited[key] = nil }
        #expect(edited.keys == ["k0"])
        for index in 0..<(count * 2) { edited["n\(index)"] = .int(index) }
        #expect(edited["n\(count)"] == .int(count))
        #expect(edited.count == count * 2 + 1)
    }

    /// Equality is about keys, order and values; whether an object has its index is not.
    @Test func equalityIgnoresHowLookupsAreMade() throws {
        let count = JSONObject.indexedCount + 5
        var shrunk = try #require(try JSONParser.parse(object(keys: count)).objectValue)
        for key in (4..<count).reversed() { shrunk["k\(key)"] = nil }
        #expect(shrunk == (try JSONParser.parse(object(keys: 4)).objectValue))
    }

    /// Growing by appending leaves up to half an array's storage unused; parsed values have none.
    @Test(arguments: [3, 5, 17, 100, 1000])
    func parsedArraysAndObjectsHaveNoSpareCapacity(_ count: Int) throws {
        let list = "[" + (0..<count).map { "[\($0), \"value number \($0) of the list\"]" }.joined(separator: ", ") + "]"
        let value = try #require(try JSONParser.parse(list).arrayValue)
        #expect(value.capacity - value.count < 4, "an array of \(count) has capacity \(value.capacity)")
        #expect(value.allSatisfy { ($0.arrayValue?.capacity ?? 0) < 4 })
        let wrapped = try JSONParser.parse(#"{"before": [1, 2, 3], "o": "# + object(keys: count) + "}")
        let entries = try #require(wrapped["o"]?.objectValue?.entries)
        #expect(entries.capacity - entries.count < 4, "an object of \(count) keys has capacity \(entries.capacity)")
    }

    @Test func integersAtTheEdgeOfTheFastPath() throws {
        #expect(try JSONParser.parse("999999999999999999") == .int(999_999_999_999_999_999))
        #expect(try JSONParser.parse("-999999999999999999") == .int(-999_999_999_999_999_999))
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int.min))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONParser.parse("-0.5e1") == .double(-5))
        #expect(throws: JSONParseError.self) { try JSONParser.parse("00012") }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("-") }
    }

    /// A document of a few hundred kilobytes with every kind of value, escapes and repeated keys.
    private func largeDocument() -> String {
        var text = #"{"modules": {"#
        for index in 0..<400 {
            if index > 0 { text += ", " }
            text += #""module-\#(index)": {"name": "module-\#(index)", "paths": {"module": "libs/module-\#(index)", "#
            text += #""sources": ["libs/module-\#(index)/src/main/java", "libs/module-\#(index)/src/main/resources"]}, "#
            text += #""escaped": "tab\there \"q\" \u00e9 \ud83d\ude00 \ud800 line\nbreak", "n": \#(index), "x": -\#(index).5e-3, "#
            text += #""flags": [true, false, null], "name": "repeated-\#(index)", "empty": {}, "none": []}"#
        }
        return text + #"}, "tail": "end"}"#
    }

    /// Pages are given back every `step` bytes (4 MiB in use; here down to one byte, so that
    /// every member and element ends where a release may happen).
    @Test(arguments: [1, 4096, 10_000, 1 << 20])
    func aParseThatReleasesItsInputReadsTheSameValue(_ step: Int) throws {
        let text = largeDocument()
        #expect(text.utf8.count > 3 * 4096)
        let expected = try JSONParser.parse(text)
        let released = try JSONParser.parse(releasing: Array(text.utf8), every: step)
        #expect(released == expected)
        #expect(released["modules"]?["module-399"]?["name"] == "repeated-399")
        #expect(released["modules"]?["module-7"]?["escaped"] == .string("tab\there \"q\" é 😀 \u{FFFD} line\nbreak"))
        #expect(released["tail"] == "end")
    }

    /// The bytes a caller still holds are never given back: the parse works on its own copy.
    @Test func aParseThatReleasesItsInputLeavesSharedBytesAlone() throws {
        let bytes = Array(largeDocument().utf8)
        let shared = bytes
        let value = try JSONParser.parse(releasing: shared, every: 4096)
        #expect(value["tail"] == "end")
        #expect(bytes == Array(largeDocument().utf8))
    }

    @Test func aParseThatReleasesItsInputReportsErrorsAtTheSameByte() {
        var text = largeDocument()
        text.removeLast()
        text += ", }"
        let expected = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        let released = #expect(throws: JSONParseError.self) { try JSONParser.parse(releasing: Array(text.utf8), every: 4096) }
        #expect(expected == released)
        #expect(expected?.offset == text.utf8.count - 1)
    }

    private func storage(_ text: String?) -> UnsafePointer<UInt8>? {
        text?.utf8.withContiguousStorageIfAvailable { $0.baseAddress }.flatMap { $0 }
    }

    @Test func recentStringsKeepARepeatedTextOnce() {
        var recent = RecentStrings()
        func read(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { recent.string($0) } }
        let coordinates = Array("org.junit.jupiter:junit-jupiter-api:test".utf8)
        let first = read(coordinates), second = read(coordinates)
        #expect(first == "org.junit.jupiter:junit-jupiter-api:test")
        #expect(storage(first) != nil && storage(first) == storage(second))
        // Other texts in between, then the first again: it is still the same storage or an equal copy.
        for index in 0..<10_000 { #expect(read(Array("some other text number \(index)".utf8)) == "some other text number \(index)") }
        #expect(read(coordinates) == first)
        // Invalid UTF-8 is repaired as String(decoding:) repairs it, every time.
        let invalid: [UInt8] = Array("a long text with a bad byte ".utf8) + [0xFF, 0xFE] + Array(" in it".utf8)
        #expect(read(invalid) == String(decoding: invalid, as: UTF8.self))
        #expect(read(invalid) == String(decoding: invalid, as: UTF8.self))
    }

    /// In a large document a text that comes again is stored once.
    @Test func aLargeDocumentStoresARepeatedTextOnce() throws {
        let library = "org.junit.jupiter:junit-jupiter-engine:test"
        let modules = (0..<3000).map { #""m\#($0)": {"dependencies": ["\#(library)", "de.example:module-\#($0):compile"]}"# }
        let text = #"{"modules": {"# + modules.joined(separator: ", ") + "}}"
        #expect(text.utf8.count > 256 << 10)
        let parsed = try JSONParser.parse(text)
        let first = parsed["modules"]?["m0"]?["dependencies"]?.arrayValue?.first?.stringValue
        let last = parsed["modules"]?["m2999"]?["dependencies"]?.arrayValue?.first?.stringValue
        #expect(first == library && last == library && storage(first) != nil)
        #expect(storage(first) == storage(last))
        #expect(parsed["modules"]?["m2999"]?["dependencies"]?.arrayValue?.last == "de.example:module-2999:compile")
    }

    /// A rewrite through JSONSource gives back what it did not change byte for byte, in objects
    /// above and below the index size and with repeated keys.
    @Test func rewritesKeepTheTextOfLargeObjects() throws {
        let members = (0..<20).map { "  \"k\($0)\": \($0 % 2 == 0 ? "1e400" : #""\u00e9\ud800""#)" }
        let text = "{\n" + members.joined(separator: ",\n") + ",\n  \"small\": {\n    \"big\": 12345678901234567890\n  }\n}"
        let (value, source) = try JSONParser.parseKeepingSource(bytes: Array(text.utf8))
        #expect(JSONWriter.write(value, indent: 2, keeping: source) == text)
        var object = try #require(value.objectValue)
        object["k3"] = "changed"
        let rewritten = JSONWriter.write(.object(object), indent: 2, keeping: source)
        #expect(rewritten == text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(#"  "k3""#) ? #"  "k3": "changed","# : String($0) }.joined(separator: "\n"))
    }
}
