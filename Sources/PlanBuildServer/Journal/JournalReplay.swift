import PlanBuildSupport

/// What the journal says of one job after reading every record.
public struct ReplayedJob: Sendable, Equatable {
    public let job: String
    public let sequence: Int
    public let submittedAt: Int
    public let kind: JobKind
    public let project: String
    public let label: String
    public var submission: Submission?
    public var startedAt: Int?
    public var finished: (at: Int, result: JSONObject)?

    public static func == (lhs: ReplayedJob, rhs: ReplayedJob) -> Bool {
        lhs.job == rhs.job && lhs.sequence == rhs.sequence && lhs.submittedAt == rhs.submittedAt && lhs.kind == rhs.kind
            && lhs.project == rhs.project && lhs.label == rhs.label && lhs.submission == rhs.submission
            && lhs.startedAt == rhs.startedAt && lhs.finished?.at == rhs.finished?.at && lhs.finished?.result == rhs.finished?.result
    }

    /// The records that state this job again, for a compacted journal. A finished job keeps no request.
    var records: [JournalRecord] {
        var records: [JournalRecord] = [.submitted(job: job, sequence: sequence, at: submittedAt, kind: kind, project: project,
                                                   label: label, submission: finished == nil ? submission : nil)]
        if let startedAt { records.append(.started(job: job, at: startedAt)) }
        if let finished { records.append(.finished(job: job, at: finished.at, result: finished.result)) }
        return records
    }
}

public enum JournalReplay {
    /// The jobs of `records`, in submission order. Records of a job never submitted, a second
    /// submission of one id, and anything after a job's `finished` are ignored.
    public static func jobs(_ records: [JournalRecord]) -> [ReplayedJob] {
        var jobs: [String: ReplayedJob] = [:]
        var order: [String] = []
        for record in records {
            switch record {
            case let .submitted(job, sequence, at, kind, project, label, submission):
                guard jobs[job] == nil else { continue }
                jobs[job] = ReplayedJob(job: job, sequence: sequence, submittedAt: at, kind: kind, project: project, label: label,
                                        submission: submission)
                order.append(job)
            case let .started(job, at):
                guard jobs[job] != nil, jobs[job]!.finished == nil, jobs[job]!.startedAt == nil else { continue }
                jobs[job]!.startedAt = at
            case let .finished(job, at, result):
                guard jobs[job] != nil, jobs[job]!.finished == nil else { continue }
                jobs[job]!.finished = (at, result)
            }
        }
        return order.compactMap { jobs[$0] }
    }

    /// The result of a job that was running when its server died: the builds it ran were ended
    /// with the server (the supervisor ends a build whose runner is gone). How long it ran is not
    /// known, so no duration is given.
    public static func killedResult(_ job: ReplayedJob) -> JSONObject {
        let message = "the build server ended while this job ran (killed, or the machine stopped); its builds were ended with it"
        switch job.kind {
        case .build:
            return JSONObject([("status", "killed"), ("exit_code", .int(-1)), ("log_file", ""), ("command", .string(job.label)),
                               ("error", "killed"), ("message", .string(message)), ("job", .string(job.job))])
        case .orchestration:
            return JSONObject([("status", "killed"), ("command", .string(job.label)), ("error", "killed"),
                               ("message", .string(message)), ("builds", .array([])), ("job", .string(job.job))])
        }
    }
}
