import Synchronization

/// Runs `body` for each index on up to `threads` threads, each taking the next unclaimed index
/// until none is left, and returns the results in index order. The calling thread works too, so
/// `threads: 1` (or a tiny `count`) runs everything in place without starting a thread.
///
/// For short CPU- or syscall-bound work (hashing files, scanning folders); a build, which blocks
/// for minutes, gets a thread of its own instead (`DetachedThread`).
public enum ParallelMap {
    public static func map<T: Sendable>(count: Int, threads: Int, minimumPerThread: Int = 1,
                                        _ body: @escaping @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let job = Job<T>(count: count, body: body)
        // Starting a thread costs more than a few items of work: at most one per minimumPerThread.
        let helpers = max(0, min(threads, (count + minimumPerThread - 1) / max(1, minimumPerThread)) - 1)
        var started = 0
        for _ in 0..<helpers where DetachedThread.start({ job.work(); job.workerFinished() }) { started += 1 }
        job.work()
        job.monitor.withLock {
            while job.finishedWorkers.load(ordering: .acquiring) < started { job.monitor.wait(milliseconds: 50) }
        }
        return job.results.withLock { $0.map { $0! } }
    }

    private final class Job<T: Sendable>: Sendable {
        let count: Int
        let body: @Sendable (Int) -> T
        let next = Atomic<Int>(0)
        let finishedWorkers = Atomic<Int>(0)
        let results: Mutex<[T?]>
        let monitor = Monitor()

        init(count: Int, body: @escaping @Sendable (Int) -> T) {
            self.count = count
            self.body = body
            self.results = Mutex([T?](repeating: nil, count: count))
        }

        func work() {
            var local: [(Int, T)] = []
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                if index >= count { break }
                local.append((index, body(index)))
            }
            // One lock per worker, not per item.
            results.withLock { stored in for (index, value) in local { stored[index] = value } }
        }

        func workerFinished() {
            finishedWorkers.add(1, ordering: .releasing)
            monitor.signal()
        }
    }
}
