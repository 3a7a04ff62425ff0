"""Real disk faults for the AOF tests: a small filesystem that fills up, and
fsync errors injected under both servers alike.

`small_fs` mounts a few-megabyte tmpfs as the server's directory (the
whole directory: Redis renames files from it into `appendonlydir`, which
cannot cross filesystems). Mounting needs root; a test that cannot mount
fails, it is never skipped.

`fsync_fault` builds a tiny LD_PRELOAD library: while its trigger file
exists, fsync/fdatasync of any `*.incr.aof` file fail with EIO. It sits
between either server and libc, so Swirl and redis-server meet the same
fault (Redis has no hook of its own for this)."""
import os
import subprocess
import textwrap

import pytest

FS_SIZE = "4m"

SHIM_SOURCE = textwrap.dedent(r"""
    #define _GNU_SOURCE
    #include <dlfcn.h>
    #include <errno.h>
    #include <stdio.h>
    #include <stdlib.h>
    #include <string.h>
    #include <unistd.h>

    /* An incremental AOF file, while the trigger file exists. */
    static int failing(int fd) {
        const char *trigger = getenv("FSYNC_FAULT_TRIGGER");
        char link[64], path[4096];
        if (!trigger || access(trigger, F_OK) != 0) return 0;
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        if (n < 0) return 0;
        path[n] = 0;
        return n > 9 && strcmp(path + n - 9, ".incr.aof") == 0;
    }

    int fsync(int fd) {
        static int (*real)(int);
        if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
        if (failing(fd)) { errno = EIO; return -1; }
        return real(fd);
    }

    int fdatasync(int fd) {
        static int (*real)(int);
        if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
        if (failing(fd)) { errno = EIO; return -1; }
        return real(fd);
    }
""")


def _run(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True)


def mount_small_fs(path, scratch):
    """A tmpfs of FS_SIZE on `path`; failing that, an ext4 image on a loop device."""
    if os.geteuid() != 0:
        pytest.fail("the disk-full tests mount a small filesystem and need root "
                    "(run them as root, e.g. in the project's container)", pytrace=False)
    tmpfs = _run("mount", "-t", "tmpfs", "-o", "size=" + FS_SIZE, "tmpfs", str(path))
    if tmpfs.returncode == 0:
        return
    image = os.path.join(str(scratch), "small-fs.img")
    with open(image, "wb") as f:
        f.truncate(8 << 20)
    steps = [("mkfs.ext4", "-q", "-F", image), ("mount", "-o", "loop", image, str(path))]
    for step in steps:
        result = _run(*step)
        if result.returncode != 0:
            pytest.fail("cannot mount a small filesystem: tmpfs: %s; %s: %s"
                        % (tmpfs.stderr.strip(), step[0], result.stderr.strip()), pytrace=False)


class SmallFS:
    """A server directory on a small filesystem of its own; the server logs
    to `log`, outside it, so it can still log while its disk is full."""

    def __init__(self, directory, log):
        self.dir, self.log = directory, log
        self.args = ("--logfile", str(log))

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def filler(self, size=1 << 20):
        """A file taking `size` bytes of the filesystem, to delete later."""
        path = os.path.join(str(self.dir), "filler")
        with open(path, "wb") as f:
            f.write(b"\xaa" * size)
        return path


@pytest.fixture
def small_fs(servers, tmp_path):
    d = servers.new_dir()
    mount_small_fs(d, tmp_path)
    yield SmallFS(d, tmp_path / "server.log")
    servers.cleanup()  # nothing may hold the filesystem when it goes
    result = _run("umount", str(d))
    assert result.returncode == 0, result.stderr


@pytest.fixture
def fsync_fault(tmp_path, monkeypatch):
    """Returns (start, trigger): `start()` sets LD_PRELOAD for the next server
    started (call it right before), and creating `trigger` makes the AOF's
    fsyncs fail until it is removed."""
    library = tmp_path / "fsync_fault.so"
    source = tmp_path / "fsync_fault.c"
    source.write_text(SHIM_SOURCE)
    built = _run("cc", "-shared", "-fPIC", "-O2", "-o", str(library), str(source), "-ldl")
    assert built.returncode == 0, built.stderr
    trigger = tmp_path / "fail-fsync"

    def preload(on=True):
        if on:
            monkeypatch.setenv("LD_PRELOAD", str(library))
            monkeypatch.setenv("FSYNC_FAULT_TRIGGER", str(trigger))
        else:
            monkeypatch.delenv("LD_PRELOAD", raising=False)
    return preload, trigger
