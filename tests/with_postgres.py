"""Run a command against a throwaway PostgreSQL 15 server, then remove the server.

The cluster lives in a temporary directory owned by the `postgres` user (PostgreSQL
refuses to run as root), listens only on a Unix socket in that directory, and is stopped
and deleted however the command ends. Usage: python tests/with_postgres.py pytest [args]
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
PORT = os.environ.get("PG_TEST_PORT", "54329")


def as_postgres(*args):
    command = [str(arg) for arg in args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd="/")


def main(argv):
    if not argv:
        sys.exit("usage: with_postgres.py COMMAND [ARGS...]")
    workdir = Path(tempfile.mkdtemp(prefix="hub-pg-"))
    data, socket_dir = workdir / "data", workdir / "socket"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(socket_dir, "postgres")
    workdir.chmod(0o755)
    started = False
    try:
        as_postgres(
            PG_BIN / "initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = (
            f"-k {socket_dir} -p {PORT} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        as_postgres(
            PG_BIN / "pg_ctl",
            "-D",
            data,
            "-o",
            options,
            "-w",
            "-l",
            workdir / "server.log",
            "start",
        )
        started = True
        env = dict(os.environ)
        env["DATABASE_URL"] = f"postgres://postgres@{quote(str(socket_dir), safe='')}:{PORT}/hub"
        print(f"PostgreSQL 15 test server on {socket_dir} (port {PORT})", flush=True)
        return subprocess.run(argv, env=env, check=False).returncode
    finally:
        if started:
            as_postgres(PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
