import Testing
@testable import PlanBuildSupport

/// The JSON reader and the Python-compatible writer.
@Suite struct JSONTests {
    @Test(arguments: [
        #"{"a": 1, "b": [1, 2.5, -3, true, false, null], "c": {"d": "e"}}"#,
        #"[]"#, #"{}"#, #"[[], {}, [[]], {"x": {}}]"#, #""just a string""#, "0", "-12", "1.5", "true", "null",
        #"{"z": 1, "a": 2, "m": 3}"#,
    ])
    func roundTrip(_ text: String) throws {
        let value = try JSONParser.parse(text)
        // Python's json.dumps separators: ", " and ": ".
        #expect(JSONWriter.write(value) == text)
        #expect(try JSONParser.parse(JSONWriter.write(value, indent: 2)) == value)
        #expect(try JSONParser.parse(JSONWriter.writeCompact(value)) == value)
    }

    @Test func objectsKeepKeyOrder() throws {
        let value = try JSONParser.parse(#"{"z": 1, "a": 2, "m": 3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
    }

    @Test func whitespaceAndCompact() throws {
        let value = try JSONParser.parse(" \n\t{ \"a\" :\r\n [ 1 , 2 ] } \n")
        #expect(JSONWriter.writeCompact(value) == #"{"a":[1,2]}"#)
    }

    @Test func escapes() throws {
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{c}\n\r\t"))
        #expect(try JSONParser.parse(#""\u00e9\u00E9""#) == .string("éé"))
        #expect(try JSONParser.parse(#""\u2713""#) == .string("✓"))
        #expect(try JSONParser.parse(#""\u0000x""#) == .string("\u{0}x"))
    }

    @Test func surrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""\uD83D\uDE00!""#) == .string("😀!"))
        // Lone surrogates become U+FFFD rather than failing or producing invalid text.
        #expect(try JSONParser.parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""\ude00x""#) == .string("\u{FFFD}x"))
        #expect(try JSONParser.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        // Raw UTF-8 passes through.
        #expect(try JSONParser.parse("\"Zoë 😀\"") == .string("Zoë 😀"))
    }

    @Test func writerEscapesLikePython() {
        #expect(JSONWriter.write(.string("😀")) == #""\ud83d\ude00""#)
        #expect(JSONWriter.write(.string("é\u{1}\u{7f}\"\\/")) == #""\u00e9\u0001\u007f\"\\/""#)
        #expect(JSONWriter.write(.string("\u{8}\u{c}\n\r\t")) == #""\b\f\n\r\t""#)
    }

    /// Every character as Python's json.dumps writes it (the rule stated over UTF-16 units),
    /// whichever way the writer gets there.
    @Test func writerEscapesEveryCharacterLikePython() {
        func python(_ text: String) -> String {
            var written = "\""
            for unit in text.utf16 {
                switch unit {
                case 0x22: written += "\\\""
                case 0x5C: written += "\\\\"
                case 0x0A: written += "\\n"
                case 0x0D: written += "\\r"
                case 0x09: written += "\\t"
                case 0x08: written += "\\b"
                case 0x0C: written += "\\f"
                case 0x20...0x7E: written.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
                default:
                    let hex = String(unit, radix: 16)
                    written += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
            return written + "\""
        }
        var random = JVMSplitMix(seed: 7)
        let pool: [Unicode.Scalar] = (0..<0x80).compactMap(Unicode.Scalar.init(_:)) +
            ["é", "✓", "😀", "\u{FFFD}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}", "\u{2028}"]
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<(random.next() % 40) { text.unicodeScalars.append(pool[Int(random.next() % UInt64(pool.count))]) }
            #expect(JSONWriter.write(.string(text)) == python(text))
            #expect(JSONWriter.writeCompact(.array([.string(text)])) == "[" + python(text) + "]")
        }
    }

    @Test func deepNestingIsRejectedWithoutCrash() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "[", count: 10_000)) }
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: #"{"a":"#, count: 10_000)) }
        // Reasonable nesting is fine.
        let depth = 100
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect((try? JSONParser.parse(nested)) != nil)
    }

    @Test(arguments: ["", " ", "{", "}", "[1,]", "[1 2]", #"{"a" 1}"#, #"{"a": 1,}"#, "{'a': 1}", #"{a: 1}"#,
                      "01", "1.", ".5", "-", "1e", "+1", "NaN", "Infinity", "tru", "nul", "falsey", #""abc"#,
                      "\"a\u{1}b\"", #""\x""#, #""\u12""#, #""\uzzzz""#, "[1]x", #"{"a": 1} {"b": 2}"#, "\u{FEFF}{}"])
    func invalidInputsThrow(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func duplicateKeysKeepTheLastValueLikePython() throws {
        // json.loads('{"a": 1, "b": 2, "a": 3}') == {"a": 3, "b": 2}
        let value = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(JSONWriter.write(value) == #"{"a": 3, "b": 2}"#)
    }

    /// Objects with many keys (run-configuration.json of a large project, a request to the C ABI)
    /// must parse in time proportional to their size. 6,000 keys take ~0.3 s in a debug build when
    /// parsing is linear; a quadratic key insertion takes several seconds.
    @Test func largeObjectsParseInLinearTime() throws {
        let count = 6000
        var text = "{"
        for index in 0..<count { text += (index > 0 ? ", " : "") + "\"key-\(index)\": {\"timeout_seconds\": \(index)}" }
        text += "}"
        let started = MonotonicClock.milliseconds()
        let value = try JSONParser.parse(text)
        let elapsed = MonotonicClock.milliseconds() - started
        #expect(value.objectValue?.count == count)
        #expect(elapsed < 2000, "parsing an object of \(count) keys took \(elapsed) ms")
    }

    @Test func invalidUTF8BytesDoNotTrap() throws {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0xFE, 0x62, 0x22]
        let value = try JSONParser.parse(bytes: bytes)
        #expect(value.stringValue?.hasPrefix("a") == true)
        #expect(value.stringValue?.hasSuffix("b") == true)
    }

    @Test func numbers() throws {
        #expect(try JSONParser.parse("42") == .int(42))
        #expect(try JSONParser.parse("-0") == .int(0))
        #expect(try JSONParser.parse("2.5") == .double(2.5))
        #expect(try JSONParser.parse("1e3") == .double(1000))
        #expect(try JSONParser.parse("12.0").intValue == 12)
        #expect(try JSONParser.parse("12.5").intValue == nil)
        #expect(try JSONParser.parse("123456789012345678901234567890").doubleValue != nil)
    }

    /// Expected texts were produced by Python 3's json.dumps (ensure_ascii=True).
    static let pythonSample: JSONValue = [
        "name": "Zoë ✓ 😀",
        "nested": ["empty_list": [], "empty_obj": [:], "list": [1, [], [:], [[]]], "deep": ["x": [:]]],
        "n": nil, "t": true, "f": false, "num": -12,
        "s": "tab\there \"q\" back\\slash / \u{1} \u{7f}",
    ]

    @Test func writerMatchesPythonDumps() {
        #expect(JSONWriter.write(Self.pythonSample) == #"{"name": "Zo\u00eb \u2713 \ud83d\ude00", "nested": {"empty_list": [], "empty_obj": {}, "list": [1, [], {}, [[]]], "deep": {"x": {}}}, "n": null, "t": true, "f": false, "num": -12, "s": "tab\there \"q\" back\\slash / \u0001 \u007f"}"#)
    }

    @Test func writerMatchesPythonDumpsIndented() {
        let expected = #"""
        {
          "name": "Zo\u00eb \u2713 \ud83d\ude00",
          "nested": {
            "empty_list": [],
            "empty_obj": {},
            "list": [
              1,
              [],
              {},
              [
                []
              ]
            ],
            "deep": {
              "x": {}
            }
          },
          "n": null,
          "t": true,
          "f": false,
          "num": -12,
          "s": "tab\there \"q\" back\\slash / \u0001 \u007f"
        }
        """#
        #expect(JSONWriter.write(Self.pythonSample, indent: 2) == expected)
    }

    @Test func floatsLikePython() {
        // python3 -c 'import json; print(json.dumps([0.1, 1.5, 100.0, 1e-05, 1e16, 1e15, 123456789.123, 0.0001, 2.5e-07, 1e22]))'
        let values: [Double] = [0.1, 1.5, 100.0, 1e-05, 1e16, 1e15, 123456789.123, 0.0001, 2.5e-07, 1e22]
        #expect(JSONWriter.write(.array(values.map(JSONValue.double))) ==
                "[0.1, 1.5, 100.0, 1e-05, 1e+16, 1000000000000000.0, 123456789.123, 0.0001, 2.5e-07, 1e+22]")
    }
}
