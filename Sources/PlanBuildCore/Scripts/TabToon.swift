/// The contract's tab-separated TOON for a flat answer: one `key<TAB>value` line per member.
public enum TabToon {
    public static func lines(_ object: JSONObject) -> String {
        object.map { "\($0.key)\t\(ResultFormatter.cell($0.value, dash: false))" }.joined(separator: "\n")
    }
}
