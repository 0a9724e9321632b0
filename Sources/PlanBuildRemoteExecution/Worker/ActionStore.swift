/// The CAS as a worker uses it: read an action's blobs, store its outputs. Implemented over
/// REAPIClient (CASActionStore); what it returns is still checked by the caller.
package protocol ActionStore: InputBlobs {
    /// Which of `digests` the CAS does not hold.
    func missing(_ digests: [Digest]) throws(LeaseFailure) -> Set<Digest>
    /// Stores small blobs given in memory.
    func upload(_ blobs: [(Digest, [UInt8])]) throws(LeaseFailure)
    /// Stores the file open as `descriptor` (read from its start) as the blob `digest`.
    func uploadFile(_ descriptor: Int32, digest: Digest) throws(LeaseFailure)
}
