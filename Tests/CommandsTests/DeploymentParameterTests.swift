import XCTest
@testable import Commands
import SwirlBytes

/// The deployment parameters (unix socket, daemon, supervision, logging,
/// process title, OOM score) as CONFIG GET/SET and the config file see them;
/// replies and error texts are redis-server 7.0.15's.
final class DeploymentParameterTests: CommandTestCase {
    func testDefaultsAreRedis() {
        for (name, value) in [("unixsocket", ""), ("unixsocketperm", "0"), ("daemonize", "no"), ("pidfile", ""),
                              ("supervised", "no"), ("syslog-enabled", "no"), ("syslog-ident", "redis"),
                              ("syslog-facility", "local0"), ("set-proc-title", "yes"),
                              ("proc-title-template", "{title} {listen-addr} {server-mode}"),
                              ("oom-score-adj", "no"), ("oom-score-adj-values", "0 200 800"), ("always-show-logo", "no")] {
            XCTAssertEqual(run("CONFIG", "GET", name), "*2\r\n" + bulk(name) + bulk(value), name)
        }
    }

    func testImmutableOnesAreRefused() {
        for name in ["unixsocket", "unixsocketperm", "daemonize", "pidfile", "supervised", "syslog-enabled",
                     "syslog-ident", "syslog-facility", "set-proc-title", "logfile", "always-show-logo"] {
            XCTAssertEqual(run("CONFIG", "SET", name, "x"),
                           error("ERR CONFIG SET failed (possibly related to argument '\(name)') - can't set immutable config"), name)
        }
    }

    func testUnixSocketPermIsOctal() {
        let config = Config()
        XCTAssertNil(config.set("unixsocketperm", "0750"))
        XCTAssertEqual(config.displayValue("unixsocketperm"), "750")
        XCTAssertEqual(config.unixSocketPermissions, 0o750)
        XCTAssertNil(config.set("unixsocketperm", "777"))
        XCTAssertEqual(config.unixSocketPermissions, 0o777)
        XCTAssertEqual(config.set("unixsocketperm", "1000"), "argument must be between 0 and 777 inclusive")
        XCTAssertEqual(config.set("unixsocketperm", "-1"), "argument must be between 0 and 777 inclusive")
        XCTAssertEqual(config.set("unixsocketperm", "8"), "argument couldn't be parsed as an octal number")
        XCTAssertEqual(config.set("unixsocketperm", "7x"), "argument couldn't be parsed as an octal number")
        XCTAssertEqual(config.set("unixsocketperm", "99999999999999999999999"), "argument couldn't be parsed as an octal number")
        XCTAssertEqual(config.displayValue("unixsocketperm"), "777", "a refused value changes nothing")
    }

    func testOOMScoreAdjShowsRelativeAsYes() {
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj", "relative"), ok)
        XCTAssertEqual(run("CONFIG", "GET", "oom-score-adj"), "*2\r\n" + bulk("oom-score-adj") + bulk("yes"))
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj", "ABSOLUTE"), ok)
        XCTAssertEqual(engine.config.oomScoreAdj, "absolute")
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj", "maybe"),
                       error("ERR CONFIG SET failed (possibly related to argument 'oom-score-adj') - argument(s) must be one of the following: no, yes, relative, absolute"))
    }

    func testOOMScoreAdjValues() {
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj-values", "10 +20 -30"), ok)
        XCTAssertEqual(run("CONFIG", "GET", "oom-score-adj-values"), "*2\r\n" + bulk("oom-score-adj-values") + bulk("10 20 -30"))
        XCTAssertEqual(engine.config.oomScoreAdjValues, [10, 20, -30])
        let prefix = "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - "
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj-values", "0 200"), error(prefix + "wrong number of arguments"))
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj-values", "0  200 800"), error(prefix + "wrong number of arguments"),
                       "two spaces split off an empty argument, as in Redis")
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj-values", "0 200 800 9"), error(prefix + "wrong number of arguments"))
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj-values", "0 200 2001"),
                       error(prefix + "Invalid oom-score-adj-values, elements must be between -2000 and 2000."))
        XCTAssertEqual(run("CONFIG", "SET", "oom-score-adj-values", "0 2x 1"),
                       error(prefix + "Invalid oom-score-adj-values, elements must be between -2000 and 2000."))
        XCTAssertEqual(engine.config.oomScoreAdjValues, [10, 20, -30])
    }

    func testOOMScoreAdjValuesInAFileTakeThreeArguments() throws {
        let config = Config()
        try ConfigFile.apply("oom-score-adj-values 1   2 3\nunixsocketperm 700\nsyslog-facility local4", to: config)
        XCTAssertEqual(config.oomScoreAdjValues, [1, 2, 3])
        XCTAssertEqual(config.syslogFacility, "local4")
        XCTAssertThrowsError(try ConfigFile.apply("oom-score-adj-values 1 2", to: config)) { error in
            XCTAssertEqual((error as? ConfigFile.Failure)?.reason, "wrong number of arguments")
        }
    }

    func testProcTitleTemplate() {
        let prefix = "ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - "
        let invalid = error(prefix + "template format is invalid or contains unknown variables")
        for template in ["{foo}", "", "  ", "{title", "{", "{server-mode}", "{unixsocket}", "{}"] {
            XCTAssertEqual(run("CONFIG", "SET", "proc-title-template", template), invalid, template)
        }
        XCTAssertEqual(run("CONFIG", "SET", "proc-title-template", "{title} {port} {{x} }"), ok)
        let config = engine.config
        XCTAssertEqual(ProcessTitleTemplate.expand(config.procTitleTemplate, title: "swirl-server", config: config, configFile: nil),
                       "swirl-server 6379 {x} }")
        XCTAssertEqual(ProcessTitleTemplate.expand(ProcessTitleTemplate.defaultTemplate, title: "swirl-server", config: config, configFile: nil),
                       "swirl-server 127.0.0.1:6379", "the first bind address, and nothing for standalone mode")
        XCTAssertEqual(ProcessTitleTemplate.expand("{config-file} {tls-port}", title: "", config: config, configFile: "/etc/swirl.conf"),
                       "/etc/swirl.conf 0")
        config.set("port", "0")
        config.set("unixsocket", "/run/s.sock")
        XCTAssertEqual(ProcessTitleTemplate.expand("{title} {listen-addr} {unixsocket}", title: "t", config: config, configFile: nil),
                       "t unixsocket:/run/s.sock /run/s.sock")
    }

    func testSyslogFacilityChoices() {
        let config = Config()
        XCTAssertEqual(config.set("syslog-facility", "kern"),
                       "argument(s) must be one of the following: user, local0, local1, local2, local3, local4, local5, local6, local7")
        XCTAssertNil(config.set("syslog-facility", "USER"))
        XCTAssertEqual(config.syslogFacility, "user")
    }
}
