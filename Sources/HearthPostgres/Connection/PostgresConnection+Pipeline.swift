import CLibPQ
import Glibc

extension PostgresConnection {
    /// Sends a batch of statements in libpq pipeline mode: one round trip for the whole batch
    /// instead of one per statement. The batch is one implicit transaction unless it holds its own
    /// `BEGIN`/`COMMIT`: when a statement fails, the later ones are skipped by the server and the
    /// first error is thrown, so either all the results come back or an error does.
    public func pipeline(_ queries: [PostgresQuery]) async throws(PostgresError) -> [PostgresRows] {
        guard !queries.isEmpty else { return [] }
        return try await withHandle { handle throws(PostgresError) in
            try Self.runPipeline(queries, on: handle)
        }
    }

    private static func runPipeline(_ queries: [PostgresQuery], on handle: OpaquePointer) throws(PostgresError)
        -> [PostgresRows]
    {
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError(handle) }
        PQsetnonblocking(handle, 1)
        defer {
            PQsetnonblocking(handle, 0)
            if PQpipelineStatus(handle) != PQ_PIPELINE_OFF { _ = PQexitPipelineMode(handle) }
        }
        for query in queries {
            let sent = withParameterPointers(query.binds) { count, types, values, lengths, formats in
                PQsendQueryParams(handle, query.sql, count, types, values, lengths, formats, 1)
            }
            guard sent == 1 else { throw connectionError(handle) }
            // Keep the socket moving both ways so neither side's buffers fill and stall the other.
            if PQflush(handle) == -1 { throw connectionError(handle) }
            if PQconsumeInput(handle) == 0 { throw connectionError(handle) }
        }
        guard PQpipelineSync(handle) == 1 else { throw connectionError(handle) }

        var results: [PostgresRows] = []
        results.reserveCapacity(queries.count)
        var firstError: PostgresError?
        while true {
            let flushing = PQflush(handle)
            if flushing == -1 { throw connectionError(handle) }
            if PQisBusy(handle) == 1 {
                try waitForSocket(handle, writable: flushing == 1)
                if PQconsumeInput(handle) == 0 { throw connectionError(handle) }
                continue
            }
            guard let raw = PQgetResult(handle) else { continue }  // end of one statement's results
            let result = PostgresResult(raw)
            switch result.status {
            case PGRES_PIPELINE_SYNC:
                if let firstError { throw firstError }
                return results
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                results.append(result.rows())
            case PGRES_PIPELINE_ABORTED:
                continue
            default:
                if firstError == nil {
                    var error = result.error(connectionBroken: PQstatus(handle) != CONNECTION_OK)
                    error.message =
                        "statement \(results.count + 1) of \(queries.count) in the batch failed: \(error.message)"
                    firstError = error
                }
                if PQstatus(handle) != CONNECTION_OK { throw firstError! }
            }
        }
    }

    /// Blocks this connection's thread until the socket is readable (or writable, when libpq still
    /// has output to flush).
    static func waitForSocket(_ handle: OpaquePointer, writable: Bool, timeoutMilliseconds: Int32 = -1)
        throws(PostgresError)
    {
        let socket = PQsocket(handle)
        guard socket >= 0 else { throw connectionError(handle) }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN) | (writable ? Int16(POLLOUT) : 0), revents: 0)
        while poll(&descriptor, 1, timeoutMilliseconds) < 0 {
            guard errno == EINTR else {
                throw PostgresError(
                    code: .connectionLost, message: "poll on the database socket failed (errno \(errno))")
            }
        }
    }
}
