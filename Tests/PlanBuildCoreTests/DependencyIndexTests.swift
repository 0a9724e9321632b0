import Testing
@testable import PlanBuildSupport
@testable import PlanBuildModel

/// DependencyReference.Index answers as a search through the targets in order would: the first
/// target that a reference matches, by its ecosystem's rule.
@Suite struct DependencyIndexTests {
    /// The rule stated as a search in order (the definition the index must agree with).
    private func searchInOrder(_ declared: String, _ targets: [DependencyReference.Target]) -> String? {
        func named(_ name: Substring) -> String? { targets.first { $0.name == name }?.name }
        if let exact = named(declared[...]) { return exact }
        let parts = declared.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2 else { return nil }
        if parts[0] == "project" {
            let rest = Array(parts.dropFirst())
            var candidates = [rest.joined(separator: ":")]
            if rest.count > 1 { candidates.append(rest.dropLast().joined(separator: ":")) }
            for candidate in candidates {
                let path = candidate.drop { $0 == ":" }
                guard !path.isEmpty else { continue }
                if let match = named(path) ?? path.split(separator: ":").last.flatMap(named) { return match }
            }
            return nil
        }
        if parts.count == 2 {
            guard !parts[0].isEmpty else { return nil }
            return targets.first { $0.packageName == parts[0] }?.name ?? named(parts[0][...])
        }
        if let exact = targets.first(where: { $0.groupId == parts[0] && $0.artifactId == parts[1] }) { return exact.name }
        return targets.first { ($0.groupId == nil && $0.artifactId == parts[1]) || ($0.artifactId == nil && $0.name == parts[1]) }?.name
    }

    @Test func agreesWithASearchInOrderOnRandomProjects() {
        var random = JVMSplitMix(seed: 20)
        func next(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        let words = ["core", "api", "web", "libs:util", "util", "@acme/ui", "ui", "g", "g.x", ""]
        func word() -> String { words[next(words.count)] }
        func maybe() -> String? { next(3) == 0 ? nil : word() }
        for _ in 0..<300 {
            let targets = (0..<next(8)).map { _ in
                DependencyReference.Target(name: word(), groupId: maybe(), artifactId: maybe(), packageName: maybe())
            }
            let index = DependencyReference.Index(targets)
            for _ in 0..<40 {
                let declared = (0..<(1 + next(4))).map { _ in next(4) == 0 ? "project" : word() }
                    .joined(separator: ":")
                #expect(index.resolve(declared) == searchInOrder(declared, targets), "\(declared) among \(targets)")
                #expect(DependencyReference.resolve(declared, among: targets) == index.resolve(declared))
            }
        }
    }

    @Test func theFirstModuleOfARepeatedNameIsTheOneFound() throws {
        let project = try ProjectArchitecture(document: try JSONParser.parse(#"""
        {"modules": {"a": {"name": "same", "paths": {"module": "a"}}, "b": {"name": "same", "paths": {"module": "b"}},
                     "c": {"dependencies": ["same"]}}}
        """#))
        #expect(project.module(named: "same")?.path == "a")
        #expect(project.module(named: "c")?.dependencies == ["same"])
        #expect(project.module(named: "a") == nil)
    }
}
