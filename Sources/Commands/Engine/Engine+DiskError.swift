/// Redis's writeCommandsDeniedByDiskError for the AOF: while a write or an
/// fsync of the AOF fails (Server/AOFWriter+Errors.swift), commands that
/// write, EXEC of a transaction that queued one, and PING (Redis refuses it
/// too, so a health check notices) get `-MISCONF Errors writing to the AOF
/// file: <strerror>`. Reads keep working. Checked after authentication and
/// before queueing, as in Redis: a write refused inside MULTI dooms the
/// transaction, and a refused EXEC discards it with EXECABORT.
extension Engine {
    func refusedForDiskError(_ spec: CommandSpec, _ client: Client) -> Bool {
        guard let message = diskError else { return false }
        let writes = spec.flags.contains(.write) || spec.name == "ping"
            || (spec.name == "exec" && client.transaction?.commands.contains { $0.spec.flags.contains(.write) } == true)
        guard writes else { return false }
        stats.commands[spec.id].rejectedCalls += 1
        reject(client, message, command: spec)
        return true
    }
}
