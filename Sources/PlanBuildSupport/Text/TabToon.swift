/// The contract's tab-separated TOON for a flat answer: one `key<TAB>value` line per member.
package enum TabToon {
    package static func lines(_ object: JSONObject) -> String {
        object.map { "\($0.key)\t\(OneLine.cell($0.value, dash: false))" }.joined(separator: "\n")
    }
}
