// Starts the real accesstokens server for the end-to-end tests.

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** accesstokens-server on a free port of 127.0.0.1 with a new database. */
export class ServerProcess {
  private constructor(
    private readonly process: ChildProcess,
    private readonly folder: string,
    readonly logPath: string,
    readonly address: string,
  ) {}

  /** Starts $ACCESSTOKENS_SERVER and waits for its start-up line. */
  static async start(timeoutMs = 30000): Promise<ServerProcess> {
    const binary = process.env.ACCESSTOKENS_SERVER;
    if (!binary) {
      throw new Error(
        "ACCESSTOKENS_SERVER is not set; set it to the accesstokens-server binary, " +
          "such as build/service/accesstokens-server",
      );
    }
    const folder = mkdtempSync(join(tmpdir(), "accesstokens-typescript-"));
    const logPath = join(folder, "server.log");
    const log = openSync(logPath, "w");
    const child = spawn(
      binary,
      [
        "--listen=127.0.0.1:0",
        `--db=${join(folder, "accesstokens.db")}`,
        `--secret_key_file=${join(folder, "secret.key")}`,
      ],
      { stdio: ["ignore", log, log] },
    );

    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && child.exitCode === null) {
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(readFileSync(logPath, "utf8"));
      if (match) {
        return new ServerProcess(child, folder, logPath, match[1]);
      }
      await sleep(50);
    }
    const output = readFileSync(logPath, "utf8");
    child.kill("SIGKILL");
    rmSync(folder, { recursive: true, force: true });
    throw new Error(`the server did not start within ${timeoutMs} ms; its log:\n${output}`);
  }

  log(): string {
    return readFileSync(this.logPath, "utf8");
  }

  /** Stops the server with SIGTERM, or SIGKILL after 10 s, and deletes its files. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once("exit", resolve));
      this.process.kill("SIGTERM");
      const killer = setTimeout(() => this.process.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(this.folder, { recursive: true, force: true });
  }
}
