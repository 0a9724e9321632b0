import PlanBuildSupport
import PlanBuildCache

/// pb_cache: decodes the action and its members, asks CacheQuery, replies with its answer plus
/// the TOON `text` the CLI prints.
enum CacheHandlers {
    static func cache(_ request: Request) throws(PlanBuildError) -> JSONValue {
        guard let action: CacheQuery.Action = try request.enumValue("action") else {
            throw PlanBuildError(.invalidRequest, "\"action\" is required: one of \(CacheQuery.Action.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let answer = try CacheQuery.answer(action, layout: try request.layout(),
                                           module: try request.optionalString("module"),
                                           command: try request.optionalString("command"))
        return Reply.success(answer.map { ($0.key, $0.value) } + [("text", .string(CacheQuery.toon(answer)))])
    }
}
