import RESP

extension ArgumentDoc {
    /// The `arguments` array of COMMAND DOCS, each argument a map in Redis's
    /// key order: name, type, key_spec_index, token, since, flags, arguments.
    static func reply(_ c: Client, _ arguments: [ArgumentDoc]) {
        c.reply.array(arguments.count)
        for argument in arguments {
            let flags = argument.flags.names
            let hasChildren = argument.type == .oneof || argument.type == .block
            var fields = 2
            if argument.keySpecIndex != nil { fields += 1 }
            if argument.token != nil { fields += 1 }
            if argument.since != nil { fields += 1 }
            if !flags.isEmpty { fields += 1 }
            if hasChildren { fields += 1 }
            c.reply.map(fields)
            c.reply.bulk("name"); c.reply.bulk(argument.name)
            c.reply.bulk("type"); c.reply.bulk(argument.type.rawValue)
            if let index = argument.keySpecIndex { c.reply.bulk("key_spec_index"); c.reply.integer(index) }
            if let token = argument.token { c.reply.bulk("token"); c.reply.bulk(token) }
            if let since = argument.since { c.reply.bulk("since"); c.reply.bulk(since) }
            if !flags.isEmpty {
                c.reply.bulk("flags")
                c.reply.set(flags.count)
                for flag in flags { c.reply.simple(flag) }
            }
            if hasChildren {
                c.reply.bulk("arguments")
                reply(c, argument.arguments)
            }
        }
    }
}
