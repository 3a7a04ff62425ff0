import Glibc
import Server

// The whole program: redis-server's command line, then the event loop.
exit(Launcher.main(CommandLine.arguments))
