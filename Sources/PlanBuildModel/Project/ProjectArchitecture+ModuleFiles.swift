import PlanBuildSupport

/// The per-module architecture layout of today's plan-marshall release:
/// `.plan/project-architecture/_project.json` (the project's name, `extensions_used` and a
/// `modules` index) and `.plan/project-architecture/{module}/derived.json` (the same module
/// object derived-data.json holds). Read into the one document shape derived-data.json has, so
/// that every reader of the architecture keeps one rule.
extension ProjectArchitecture {
    static func moduleFilesDocument(_ layout: ProjectLayout) throws(PlanBuildError) -> JSONValue {
        let metaPath = layout.projectMetaPath
        let meta = try readJSON(metaPath, missing: "\(metaPath) not found")
        guard let object = meta.objectValue else {
            throw PlanBuildError(.architectureInvalid, "\(metaPath): the top level must be a JSON object")
        }
        // The index is an object (name → anything) or a list of names; its order is the modules' order.
        let names: [String]
        switch object["modules"] {
        case .object(let index)?: names = index.map(\.key)
        case .array(let list)?: names = list.compactMap { $0.stringValue ?? $0["name"]?.stringValue }
        default: throw PlanBuildError(.architectureInvalid, "\(metaPath): no \"modules\" index")
        }
        let folder = FileSystem.join(layout.planDir, "project-architecture")
        var modules: [(String, JSONValue)] = []
        for name in names {
            // A name is one folder below project-architecture/, never a path out of it.
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.utf8.contains(0) else {
                throw PlanBuildError(.architectureInvalid, "\(metaPath): \"\(name)\" is not a module folder name")
            }
            let path = FileSystem.join(folder, "\(name)/derived.json")
            let module = try readJSON(path, missing: "\(path) not found: module \"\(name)\" of \(metaPath) has no derived.json (run the architecture discovery)")
            guard module.objectValue != nil else {
                throw PlanBuildError(.architectureInvalid, "\(path): the module must be a JSON object")
            }
            modules.append((name, module))
        }
        var project: [(String, JSONValue)] = []
        if let name = object["name"] { project.append(("name", name)) }
        if let description = object["description"] { project.append(("description", description)) }
        return .object(JSONObject([
            ("project", .object(JSONObject(project))),
            ("modules", .object(JSONObject(modules))),
            ("extensions_used", object["extensions_used"] ?? .array([])),
        ]))
    }
}
