/**
 * Finds destructive shell commands in a chat answer or a review fix: recursive deletes of broad paths,
 * downloads piped into a shell, world-writable permissions, writes to raw disks, filesystem formatting,
 * fork bombs, force-pushes to protected branches. Pure. The answer is never blocked: each command comes back
 * with a reason so the client can show a warning next to it and never run it automatically.
 *
 * Commands are read line by line (backslash continuations joined), split at `;`, `&&`, `||` and `&`, and
 * tokenised with shell quoting, so `rm -rf ./build` and `rm -rf "$HOME"` are told apart by their arguments,
 * not by a regex over the whole line.
 */

export interface DangerousCommand {
  rule: string;
  reason: string;
  /** The command as written (one simple command, or the whole pipeline for pipe rules). */
  command: string;
  /** UTF-16 offsets of the line holding it. */
  start: number;
  end: number;
}

export interface DangerousCommandOptions {
  protectedBranches: readonly string[];
}

export const defaultDangerousCommandOptions: DangerousCommandOptions = {
  protectedBranches: ["main", "master", "trunk", "develop", "release"],
};

const systemFolders = new Set([
  "bin",
  "boot",
  "dev",
  "etc",
  "home",
  "lib",
  "lib64",
  "opt",
  "proc",
  "root",
  "sbin",
  "srv",
  "sys",
  "usr",
  "var",
  "Users",
  "System",
  "Library",
  "Applications",
]);

const pipeToShell =
  /\b(?:curl|wget|fetch|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^|\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+\S+=\S+\s+)*(?:ba|z|k|da|fi|c|tc)?sh\b|\b(?:curl|wget)\b[^|\n]*\|\s*(?:sudo\s+)?(?:python[\d.]*|perl|ruby|node|php)\b(?!\s+-m\s+json)|(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b|\b(?:sh|bash|zsh)\s+-c\s+["']?\$\(\s*(?:curl|wget)\b|\beval\s+["']?\$\(\s*(?:curl|wget)\b|\b(?:iex|Invoke-Expression)\b[^\n]*\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString)\b|\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^|\n]*\|\s*(?:iex|Invoke-Expression)\b/i;
const forkBomb = /(\S+)\s*\(\)\s*\{\s*\1\s*\|\s*\1\s*&\s*\}\s*;\s*\1|\bfork\s*\(\s*\)\s*while|%0\|%0/;
const rawDevice =
  /^\/dev\/(?:sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|rdisk\d|mapper\/|md\d|loop\d|dm-\d)/;
const deviceRedirect = /(?:^|[^<0-9&])>\s*\/dev\/(?:sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d)/;

export function findDangerousCommands(
  text: string,
  options: DangerousCommandOptions = defaultDangerousCommandOptions,
): DangerousCommand[] {
  const found: DangerousCommand[] = [];
  for (const line of logicalLines(text)) {
    const add = (rule: string, reason: string, command: string) =>
      found.push({ rule, reason, command: command.trim(), start: line.start, end: line.end });
    const source = line.text;
    if (pipeToShell.test(source))
      add("pipe-to-shell", "runs a script downloaded from the network without reading it", source);
    if (forkBomb.test(source))
      add("fork-bomb", "a fork bomb: spawns processes until the machine stops responding", source);
    if (deviceRedirect.test(source))
      add("disk-overwrite", "writes straight to a disk device, destroying its data", source);
    for (const command of simpleCommands(source)) {
      const verdict = judge(tokenize(command), options);
      if (verdict) add(verdict.rule, verdict.reason, command);
    }
  }
  return found;
}

interface Verdict {
  rule: string;
  reason: string;
}

function judge(tokens: string[], options: DangerousCommandOptions): Verdict | undefined {
  const argv = stripWrappers(tokens);
  const [program, ...args] = argv;
  if (!program) return undefined;
  const name = program.split("/").pop()!;
  switch (name) {
    case "rm": {
      const recursive = args.some((arg) => /^-[a-zA-Z]*[rR]/.test(arg) || arg === "--recursive");
      const targets = operands(args);
      if (args.includes("--no-preserve-root"))
        return { rule: "rm-broad", reason: "deletes the whole filesystem (--no-preserve-root)" };
      if (!recursive) return undefined;
      const broad = targets.find(isBroadPath);
      return broad === undefined
        ? undefined
        : { rule: "rm-broad", reason: `recursively deletes ${describePath(broad)}` };
    }
    case "rd":
    case "rmdir":
    case "Remove-Item":
    case "del": {
      const recursive = args.some((arg) => /^(?:\/s|-r|-recurse)$/i.test(arg));
      const broad = operands(args).find(
        (arg) =>
          /^[A-Za-z]:\\?\*?$|^[A-Za-z]:\\(?:Windows|Users|Program Files)\\?$/i.test(arg) || isBroadPath(arg),
      );
      return recursive && broad !== undefined
        ? { rule: "rm-broad", reason: `recursively deletes ${describePath(broad)}` }
        : undefined;
    }
    case "find": {
      const root = args[0];
      const deletes =
        args.includes("-delete") || (args.includes("-exec") && args.some((arg) => arg === "rm"));
      return deletes && root !== undefined && isBroadPath(root) && !/^\.\.?\/?$/.test(root)
        ? { rule: "rm-broad", reason: `deletes files across ${describePath(root)}` }
        : undefined;
    }
    case "chmod": {
      const mode = operands(args)[0] ?? "";
      if (/^0?777$|^[ugoa]*[+=]rwx$|^(?:a|ugo)[+=]w$|^o\+w$/.test(mode)) {
        return {
          rule: "chmod-777",
          reason: "makes files writable (and executable) by every user on the machine",
        };
      }
      return undefined;
    }
    case "chown": {
      const recursive = args.some((arg) => /^-[a-zA-Z]*R/.test(arg) || arg === "--recursive");
      const broad = operands(args).slice(1).find(isBroadPath);
      return recursive && broad !== undefined
        ? { rule: "chown-broad", reason: `changes the owner of everything under ${describePath(broad)}` }
        : undefined;
    }
    case "dd": {
      const target = args.find((arg) => arg.startsWith("of="))?.slice(3);
      return target && rawDevice.test(target)
        ? { rule: "disk-overwrite", reason: `overwrites the disk device ${target}` }
        : undefined;
    }
    case "shred":
    case "wipefs":
    case "mkswap":
    case "fdisk":
    case "sfdisk":
    case "parted": {
      const device = operands(args).find((arg) => rawDevice.test(arg));
      return device ? { rule: "disk-overwrite", reason: `rewrites the disk device ${device}` } : undefined;
    }
    case "mv": {
      const targets = operands(args);
      const destination = targets.at(-1);
      const broad = targets.slice(0, -1).find(isBroadPath);
      return destination === "/dev/null" && broad !== undefined
        ? { rule: "rm-broad", reason: `moves ${describePath(broad)} into /dev/null` }
        : undefined;
    }
    case "git":
      return judgeGitPush(args, options);
    default:
      if (/^mkfs(?:\.\w+)?$|^mke2fs$|^newfs/.test(name)) {
        const device = operands(args).find((arg) => rawDevice.test(arg));
        return device ? { rule: "mkfs-device", reason: `formats ${device}, erasing it` } : undefined;
      }
      return undefined;
  }
}

function judgeGitPush(args: string[], options: DangerousCommandOptions): Verdict | undefined {
  const pushAt = args.indexOf("push");
  if (pushAt < 0 || args.slice(0, pushAt).some((arg) => !arg.startsWith("-"))) return undefined;
  const rest = args.slice(pushAt + 1);
  const force = rest.some(
    (arg) =>
      /^(?:--force|-f|--force-with-lease(?:=.*)?|--force-if-includes|-[a-zA-Z]*f[a-zA-Z]*)$/.test(arg) &&
      arg !== "--follow-tags",
  );
  const refspecs = rest.filter((arg) => !arg.startsWith("-")).slice(1);
  const plusRefspec = refspecs.some((spec) => spec.startsWith("+"));
  if (!force && !plusRefspec) return undefined;
  const branches = refspecs.map((spec) =>
    spec
      .replace(/^\+/, "")
      .split(":")
      .pop()!
      .replace(/^refs\/heads\//, ""),
  );
  if (branches.length === 0) {
    return rest.includes("--force-with-lease") || rest.some((arg) => arg.startsWith("--force-with-lease="))
      ? undefined
      : {
          rule: "force-push-protected",
          reason: "force-pushes the current branch, which may be a protected one",
        };
  }
  const hit = branches.find((branch) => options.protectedBranches.includes(branch));
  return hit
    ? { rule: "force-push-protected", reason: `force-pushes to ${hit}, rewriting its shared history` }
    : undefined;
}

/** Paths whose recursive deletion loses far more than a build folder: root, home, cwd, system folders. */
function isBroadPath(raw: string): boolean {
  const path = raw.replace(/^["']|["']$/g, "");
  if (/^(?:\/|\/\*|\/\.\*|~|~\/|~\/\*|\.|\.\/|\.\/\*|\*|\.\*|\.\.|\.\.\/|\.\.\/\*)$/.test(path)) return true;
  if (/^\$\{?HOME\}?\/?\*?$|^\$\{?USERPROFILE\}?/.test(path)) return true;
  // An unguarded variable as the whole root: `rm -rf "$PREFIX"/` is `rm -rf /` when it is empty.
  if (/^\$\{?\w+\}?["']?\/\*?$/.test(path)) return true;
  const top = /^\/([^/]+)\/?\*?$/.exec(path);
  return top !== null && systemFolders.has(top[1]!);
}

function describePath(path: string): string {
  const clean = path.replace(/^["']|["']$/g, "");
  if (/^\/\*?$/.test(clean)) return "the whole filesystem (/)";
  if (/^~|HOME|USERPROFILE/.test(clean)) return `the home folder (${clean})`;
  if (/^\.\.?\/?\*?$|^\*$|^\.\*$/.test(clean)) return `everything in the current folder (${clean})`;
  if (/^\$/.test(clean)) return `${clean}, which is / when the variable is empty`;
  return clean;
}

function stripWrappers(tokens: string[]): string[] {
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index]!;
    if (/^(?:sudo|doas|command|exec|nohup|time|nice|builtin)$/.test(token)) {
      index++;
      while (tokens[index]?.startsWith("-")) index++;
    } else if (token === "env" || /^[A-Za-z_]\w*=/.test(token)) index++;
    else if (/^(?:\$|#|>|PS>|%)$/.test(token) && index === 0) index++;
    else break;
  }
  return tokens.slice(index);
}

function operands(args: string[]): string[] {
  const dashDash = args.indexOf("--");
  if (dashDash >= 0)
    return [...args.slice(0, dashDash).filter((arg) => !arg.startsWith("-")), ...args.slice(dashDash + 1)];
  return args.filter((arg) => !arg.startsWith("-") || arg === "-");
}

interface LogicalLine {
  text: string;
  start: number;
  end: number;
}

function logicalLines(text: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let start = 0;
  let pending = "";
  let pendingStart = 0;
  while (start <= text.length) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const raw = text.slice(start, end);
    if (!pending) pendingStart = start;
    if (raw.endsWith("\\")) pending += `${raw.slice(0, -1)} `;
    else {
      lines.push({ text: pending + raw, start: pendingStart, end });
      pending = "";
    }
    if (newline < 0) break;
    start = newline + 1;
  }
  if (pending) lines.push({ text: pending, start: pendingStart, end: text.length });
  return lines;
}

/** Splits a line at `;`, `&&`, `||`, `|` and `&` outside quotes; strips a leading prompt or list marker. */
function simpleCommands(line: string): string[] {
  const commands: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quote) {
      if (char === quote) quote = null;
      current += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      current += char;
    } else if (char === ";" || char === "|" || char === "&" || char === "`" || char === "(" || char === ")") {
      if (char === "&" && line[index + 1] === ">") current += char;
      else {
        commands.push(current);
        current = "";
      }
    } else current += char;
  }
  commands.push(current);
  return commands
    .map((command) => command.replace(/^\s*(?:[-*+]\s+|\d+[.)]\s+|[$#>%]\s+|PS [^>]*>\s*)/, "").trim())
    .filter((command) => command.length > 0);
}

/** Shell-style words: quotes group and are dropped (`"$HOME"` is `$HOME`). */
function tokenize(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3]!,
  );
}
