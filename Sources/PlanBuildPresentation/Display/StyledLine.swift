/// A display line made of pieces, some coloured. Kept apart from the escape codes so that a line
/// is measured and truncated on its visible text, and coloured only when the terminal wants it.
public struct StyledLine: Equatable, Sendable {
    public enum Style: String, Sendable {
        case green = "32", red = "31", yellow = "33", cyan = "36", dim = "2", bold = "1"
    }

    public struct Piece: Equatable, Sendable {
        public let text: String
        public let style: Style?
    }

    public private(set) var pieces: [Piece] = []

    public init(_ text: String = "", _ style: Style? = nil) {
        if !text.isEmpty { pieces.append(Piece(text: text, style: style)) }
    }

    public mutating func append(_ text: String, _ style: Style? = nil) {
        if !text.isEmpty { pieces.append(Piece(text: text, style: style)) }
    }

    public var plain: String { pieces.map(\.text).joined() }

    /// The line cut to `width` columns (nil: no limit) with `…`, with SGR colour codes only when
    /// `color` is set. Every value in it is already escaped (`OneLine`) by whoever built it.
    public func rendered(width: Int?, color: Bool) -> String {
        var remaining = width.map { max(0, $0) } ?? Int.max
        let cut = width.map { TerminalWidth.columns(plain) > $0 } ?? false
        if cut { remaining = max(0, remaining - 1) }
        var output = ""
        for piece in pieces where remaining > 0 {
            var text = piece.text
            let columns = TerminalWidth.columns(text)
            if columns > remaining { text = TerminalWidth.prefix(text, fitting: remaining) } // `…` follows the loop
            remaining -= min(columns, remaining)
            output += color && piece.style != nil ? "\u{1B}[\(piece.style!.rawValue)m\(text)\u{1B}[0m" : text
        }
        if cut { output += "…" }
        return output
    }
}
