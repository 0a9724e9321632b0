import PlanBuildSupport

/// A coverage report read from JaCoCo XML (Maven, Gradle), Cobertura XML (coverage.py), Istanbul's
/// `coverage-summary.json` or LCOV (npm): overall percentages by metric, and the classes or files
/// whose line coverage is below a threshold.
public struct CoverageReport: Equatable, Sendable {
    public enum Format: String, Sendable { case jacoco, cobertura, istanbul, lcov }

    public struct Item: Equatable, Sendable {
        public let name: String
        /// Percent (0-100) by metric: line, branch, method, …
        public let metrics: [(String, Double)]

        public static func == (lhs: Item, rhs: Item) -> Bool {
            lhs.name == rhs.name && lhs.metrics.elementsEqual(rhs.metrics) { $0 == $1 }
        }

        var line: Double? { metrics.first { $0.0 == "line" }?.1 }
    }

    public let format: Format
    public let overall: [(String, Double)]
    /// Classes (JaCoCo, Cobertura) or files (Istanbul, LCOV), in report order.
    public let items: [Item]

    public static func == (lhs: CoverageReport, rhs: CoverageReport) -> Bool {
        lhs.format == rhs.format && lhs.items == rhs.items && lhs.overall.elementsEqual(rhs.overall) { $0 == $1 }
    }

    /// What an item is called in the output: `class` or `file`.
    public var itemKind: String { format == .jacoco || format == .cobertura ? "class" : "file" }

    public var lineCoverage: Double? { overall.first { $0.0 == "line" }?.1 }

    /// Reads a report; the format is told by its content.
    public static func read(_ path: String) throws(PlanBuildError) -> CoverageReport {
        let text: String
        do {
            text = try FileSystem.readText(path)
        } catch {
            throw PlanBuildError(error.kind == .notFound ? .notFound : .unreadable, "\(error)")
        }
        let start = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{FEFF}" }
        if start.hasPrefix("{") { return try istanbul(text) }
        if start.hasPrefix("<") { return try xml(text) }
        if text.contains("SF:") && text.contains("end_of_record") { return lcov(text) }
        throw PlanBuildError(.invalidValue, "\(path) is no coverage report PlanBuild reads (JaCoCo or Cobertura XML, coverage-summary.json, LCOV)")
    }

    /// Percent with two decimals, as coverage tools show it.
    static func percent(_ covered: Double, of total: Double) -> Double? {
        guard total > 0 else { return nil }
        return (covered / total * 10000).rounded() / 100
    }

    static func xml(_ text: String) throws(PlanBuildError) -> CoverageReport {
        let tags = XMLTags.startTags(text)
        guard let root = tags.first else { throw PlanBuildError(.invalidValue, "the XML report has no elements") }
        switch root.name {
        case "report": return jacoco(tags)
        case "coverage": return cobertura(tags)
        default: throw PlanBuildError(.invalidValue, "unknown XML coverage report <\(root.name)>: JaCoCo's <report> or Cobertura's <coverage> expected")
        }
    }

    /// JaCoCo: the counters directly inside <report> are the totals, those directly inside a
    /// <class> are the class's.
    static func jacoco(_ tags: [XMLTags.Tag]) -> CoverageReport {
        var overall: [(String, Double)] = []
        var items: [Item] = []
        var current: (name: String, depth: Int, metrics: [(String, Double)])?
        func metric(_ tag: XMLTags.Tag) -> (String, Double)? {
            guard let type = tag.attributes["type"], let missed = tag.attributes["missed"].flatMap(Double.init),
                  let covered = tag.attributes["covered"].flatMap(Double.init), missed >= 0, covered >= 0,
                  let value = percent(covered, of: missed + covered) else { return nil }
            return (type.lowercased(), value)
        }
        func closeClass() {
            if let open = current { items.append(Item(name: open.name, metrics: open.metrics)) }
            current = nil
        }
        for tag in tags {
            if let open = current, tag.depth <= open.depth { closeClass() }
            if tag.name == "class", let name = tag.attributes["name"] {
                current = (name.replacingOccurrences(of: "/", with: "."), tag.depth, [])
            } else if tag.name == "counter", let value = metric(tag) {
                if tag.depth == 1 { overall.append(value) }
                if let open = current, tag.depth == open.depth + 1 { current?.metrics.append(value) }
            }
        }
        closeClass()
        return CoverageReport(format: .jacoco, overall: overall, items: items)
    }

    /// Cobertura: `line-rate` and `branch-rate` (0-1) on <coverage> and on each <class>.
    static func cobertura(_ tags: [XMLTags.Tag]) -> CoverageReport {
        func rates(_ tag: XMLTags.Tag) -> [(String, Double)] {
            [("line", "line-rate"), ("branch", "branch-rate")].compactMap { name, attribute in
                guard let rate = tag.attributes[attribute].flatMap(Double.init), rate >= 0, rate <= 1 else { return nil }
                return (name, (rate * 10000).rounded() / 100)
            }
        }
        let items = tags.filter { $0.name == "class" }.map { tag in
            Item(name: tag.attributes["filename"] ?? tag.attributes["name"] ?? "", metrics: rates(tag))
        }
        return CoverageReport(format: .cobertura, overall: tags.first.map(rates) ?? [], items: items)
    }

    /// Istanbul's summary: `total` and one entry per file, each metric with `pct`.
    static func istanbul(_ text: String) throws(PlanBuildError) -> CoverageReport {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw PlanBuildError(.invalidValue, "the coverage summary is not valid JSON: \(error)")
        }
        guard let object = document.objectValue else { throw PlanBuildError(.invalidValue, "the coverage summary must be a JSON object") }
        func metrics(_ value: JSONValue) -> [(String, Double)] {
            [("lines", "line"), ("branches", "branch"), ("functions", "function"), ("statements", "statement")].compactMap { key, name in
                guard let pct = value[key]?["pct"]?.doubleValue, pct.isFinite, pct >= 0, pct <= 100 else { return nil }
                return (name, pct)
            }
        }
        let items = object.entries.filter { $0.key != "total" }.map { Item(name: $0.key, metrics: metrics($0.value)) }
        return CoverageReport(format: .istanbul, overall: object["total"].map(metrics) ?? [], items: items)
    }

    /// LCOV: per `SF:` record the LH/LF, BRH/BRF and FNH/FNF counts; the totals are their sums.
    static func lcov(_ text: String) -> CoverageReport {
        var items: [Item] = []
        var totals: [String: (hit: Double, found: Double)] = [:]
        var file: String?
        var counts: [String: (hit: Double, found: Double)] = [:]
        let names = [("LH", "LF", "line"), ("BRH", "BRF", "branch"), ("FNH", "FNF", "function")]
        func ordered(_ values: [String: (hit: Double, found: Double)]) -> [(String, Double)] {
            names.compactMap { _, _, name in values[name].flatMap { percent($0.hit, of: $0.found) }.map { (name, $0) } }
        }
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmed
            if line.hasPrefix("SF:") { file = String(line.dropFirst(3)); counts = [:]; continue }
            if line == "end_of_record" {
                if let file { items.append(Item(name: file, metrics: ordered(counts))) }
                for (name, value) in counts { totals[name, default: (0, 0)].hit += value.hit; totals[name, default: (0, 0)].found += value.found }
                file = nil
                continue
            }
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let number = Double(parts[1]), number >= 0 else { continue }
            for (hit, found, name) in names {
                if parts[0] == hit { counts[name, default: (0, 0)].hit = number }
                if parts[0] == found { counts[name, default: (0, 0)].found = number }
            }
        }
        return CoverageReport(format: .lcov, overall: ordered(totals), items: items)
    }
}
