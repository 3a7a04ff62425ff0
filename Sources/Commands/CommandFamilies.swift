/// The server's table of contents: every family's commands, in the order
/// COMMAND, COMMAND DOCS and COMMAND LIST show them (the order also gives each
/// command its id, which indexes the per-command statistics).
///
/// Each family declares its commands in its own folder, one `CommandGroup`
/// call per command (see Hashes/HashCommands.swift). A new family (Scripting/,
/// Streams/, Bitmaps/, HyperLogLog/, Geo/ …) adds its line here; a new command
/// of an existing family only touches that family's list.
enum CommandFamilies {
    static func all() -> [CommandSpec] {
        let families: [[CommandSpec]] = [
            ConnectionCommands.specs(),
            ClientCommands.specs(),
            StringCommands.specs(),
            StringCounterCommands.specs(),
            LCSCommand.specs(),
            HashCommands.specs(),
            KeyCommands.specs(),
            DumpRestoreCommands.specs(),
            KeyIterationCommands.specs(),
            ExpireCommands.specs(),
            SortCommand.specs(),
            ServerCommands.specs(),
            InfoCommand.specs(),
            CommandIntrospection.specs(),
            ConfigCommands.specs(),
            DebugCommand.specs(),
            MemoryCommand.specs(),
            TransactionCommands.specs(),
            PubSubCommands.specs(),
            ListCommands.specs(),
            ListCommands.blockingSpecs(),
            SetCommands.specs(),
            SortedSetCommands.specs(),
            SortedSetPopCommands.blockingSpecs(),
            GeoCommands.specs(),
            SlowLogCommands.specs(),
            MonitorCommand.specs(),
            ObjectCommand.specs(),
            LolwutCommand.specs(),
            ReplicationCommands.specs(),
            LatencyCommands.specs(),
            BitmapCommands.specs(),
            HyperLogLogCommands.specs(),
            StreamCommands.specs(),
            StreamReadCommands.specs(),
            StreamGroupCommands.specs(),
            StreamClaimCommands.specs(),
            StreamInfoCommand.specs(),
            ScriptingCommands.specs(),
        ]
        return families.flatMap { $0 }
    }
}
