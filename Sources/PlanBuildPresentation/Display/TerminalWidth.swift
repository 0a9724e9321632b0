/// Columns a text takes on a terminal, and truncation to a width with `…`: a live line that
/// wrapped would break the redraw (it moves the cursor up by lines, not by rows).
public enum TerminalWidth {
    /// Wide characters (East Asian Wide, emoji presentation) take two columns, combining marks
    /// and zero-width characters none; everything else one.
    public static func columns(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if (0x0300...0x036F).contains(value) || (0x200B...0x200F).contains(value) || (0xFE00...0xFE0F).contains(value) {
            return 0
        }
        if isWide(value) { return 2 }
        return 1
    }

    public static func columns(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + columns(of: $1) }
    }

    /// `text` cut so that it takes at most `width` columns; a cut text ends with `…`.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard columns(text) > width else { return text }
        guard width > 0 else { return "" }
        return prefix(text, fitting: width - 1) + "…"
    }

    /// The longest start of `text` that takes at most `width` columns.
    public static func prefix(_ text: String, fitting width: Int) -> String {
        var output = String.UnicodeScalarView()
        var used = 0
        for scalar in text.unicodeScalars {
            let needed = columns(of: scalar)
            if used + needed > width { break }
            output.append(scalar)
            used += needed
        }
        return String(output)
    }

    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x231A...0x231B, 0x23E9...0x23EC, 0x23F0, 0x23F3, 0x25FD...0x25FE, 0x2614...0x2615,
             0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4,
             0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E,
             0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3,
             0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF,
             0x1F680...0x1F6FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
