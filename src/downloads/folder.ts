/**
 * The folder saves go into: KALTURA_DOWNLOAD_DIR, checked at each save, or a subfolder of it
 * that never leads out of it. It must be an existing,
 * writable folder named by an absolute path (`~/` is read as the home folder), and it may not be
 * the home folder itself, a hidden folder inside it, or a system folder: a name an agent chose
 * (steered, perhaps, by text in an entry's description) must never land among shell start-up
 * files or programs.
 */
import { constants } from 'node:fs';
import { access, mkdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, parse, relative, sep } from 'node:path';
import { ToolFailure } from '../failure.js';
import { folderNameProblem } from './file-names.js';
import { errnoFix, errnoWords } from './save-wording.js';

const configurationError = (message: string) => new ToolFailure('CONFIGURATION_ERROR', message);

/**
 * System folders, refused with everything under them. The file system's root and a few folders
 * that are only ever parents (`/usr`, `/var`, `C:\Users`) are refused themselves, not their
 * subfolders.
 */
const SYSTEM_TREES = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/lib',
  '/lib32',
  '/lib64',
  '/proc',
  '/sbin',
  '/sys',
  '/usr/bin',
  '/usr/lib',
  '/usr/libexec',
  '/usr/local/bin',
  '/usr/local/sbin',
  '/usr/sbin',
  '/System',
  '/Library',
  '/private/etc',
  'C:\\Windows',
  'C:\\Program Files',
  'C:\\Program Files (x86)',
  'C:\\ProgramData',
];
const SYSTEM_FOLDERS = ['/usr', '/usr/local', '/var', '/opt', '/home', '/Users', '/Applications', 'C:\\Users'];

/** How the folder is named: `~/x` as the home folder's x; `~user/x` cannot be read without a shell. */
function expandHome(path: string, home: string): string {
  if (path === '~' || path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(1));
  if (path.startsWith('~')) {
    throw configurationError(
      `KALTURA_DOWNLOAD_DIR starts with "${path.split(/[/\\]/)[0]}", which only a shell can read: write the folder's full path, e.g. ${join(home, 'Movies')}`,
    );
  }
  return path;
}

const same = (a: string, b: string) => (sep === '\\' ? a.toLowerCase() === b.toLowerCase() : a === b);
const within = (path: string, tree: string) => {
  const rel = relative(tree, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/** Why `folder` (a real path) may not take saves, or undefined. */
export function forbiddenFolder(folder: string, home: string): string | undefined {
  if (same(folder, parse(folder).root)) return 'the root of the file system';
  if (same(folder, home)) return 'your home folder itself (choose a folder in it, e.g. ~/Downloads/kaltura)';
  if (within(folder, home)) {
    const hidden = relative(home, folder)
      .split(sep)
      .find((part) => part.startsWith('.'));
    if (hidden) return `a hidden folder of your home (${hidden}), where programs keep their settings`;
  }
  const tree = SYSTEM_TREES.find((t) => within(folder, t));
  if (tree) return `the system folder ${tree}`;
  const system = SYSTEM_FOLDERS.find((f) => same(folder, f));
  if (system) return `the system folder ${system}`;
  return undefined;
}

/**
 * The download folder as a real path, or a CONFIGURATION_ERROR that names KALTURA_DOWNLOAD_DIR
 * and says what to do.
 */
export async function downloadFolder(configured: string | undefined, home = homedir()): Promise<string> {
  const given = configured?.trim();
  if (!given) {
    throw configurationError(
      'KALTURA_DOWNLOAD_DIR is not set: set it to the folder files may be saved into (an absolute path such as /home/me/Videos/kaltura), then restart the server',
    );
  }
  const path = expandHome(given, home);
  if (!isAbsolute(path)) {
    throw configurationError(
      `KALTURA_DOWNLOAD_DIR must be an absolute path, not "${given}" (a relative one would depend on where the host starts the server): write the full path, e.g. ${join(home, 'Movies')}`,
    );
  }
  let folder: string;
  try {
    folder = await realpath(path);
    if (!(await stat(folder)).isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    await access(folder, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ENOTDIR';
    throw configurationError(
      `KALTURA_DOWNLOAD_DIR does not name a folder this server can write into (${code} for ${JSON.stringify(path)}): create it, fix the path or its permissions, then try again`,
    );
  }
  const forbidden = forbiddenFolder(folder, await realpath(home).catch(() => home));
  if (forbidden) {
    throw configurationError(
      `KALTURA_DOWNLOAD_DIR may not be ${forbidden}: saved files would sit among files your system or shell trusts; choose a folder of its own, e.g. ${join(home, 'Downloads', 'kaltura')}`,
    );
  }
  return folder;
}

/**
 * The subfolder `name` of the download folder `root` (a real path), created when missing: its
 * real path, which never leaves `root` (a symlink to a folder inside it is followed). Throws a
 * {@link ToolFailure} about the subfolder and what to do: UNSAFE_FILE_NAME for a name that cannot
 * be one or a link out of the download folder; SAVE_FAILED for a file there, a folder that cannot
 * be created or written into.
 */
export async function subfolderOf(root: string, name: string): Promise<string> {
  const problem = folderNameProblem(name);
  if (problem) {
    throw new ToolFailure(
      'UNSAFE_FILE_NAME',
      `the subfolder name cannot be used: ${problem}; give a ${problem.includes('bytes long') ? 'shorter' : 'plain'} folder name such as "Biology 101"`,
    );
  }
  const path = join(root, name);
  const subfolder = `subfolder "${name}"`;
  const failure = (code: string, message: string) => new ToolFailure(code, `${subfolder} ${message}`);
  await mkdir(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return;
    const code = error.code ?? 'I/O error';
    throw failure(
      'SAVE_FAILED',
      `could not be created in KALTURA_DOWNLOAD_DIR (${errnoWords(code)}): ${errnoFix(code)}, or choose another subfolder`,
    );
  });
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'I/O error';
    throw failure(
      'UNSAFE_FILE_NAME',
      `of KALTURA_DOWNLOAD_DIR cannot be followed (${errnoWords(code)}): a link to nothing, most likely; choose another subfolder, or remove the link`,
    );
  }
  if (!within(real, root) || same(real, root)) {
    throw failure(
      'UNSAFE_FILE_NAME',
      'is a symlink that leads out of KALTURA_DOWNLOAD_DIR, and saves never leave it: choose another subfolder, or replace the link with a folder',
    );
  }
  if (!(await stat(real)).isDirectory()) {
    throw failure(
      'SAVE_FAILED',
      'names a file in KALTURA_DOWNLOAD_DIR, not a folder: choose another subfolder, or move the file',
    );
  }
  await access(real, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
    const code = error.code ?? 'I/O error';
    throw failure(
      'SAVE_FAILED',
      `of KALTURA_DOWNLOAD_DIR is not writable (${errnoWords(code)}): make it writable, or choose another subfolder`,
    );
  });
  return real;
}

/**
 * Rejects unless `folder` (a real path checked before) is still itself: with ELOOP when a
 * component of its path has become a symlink since, with the file system's error (ENOENT) when
 * it is gone. Called just before a file is created or put in place, so that a link made
 * meanwhile never carries a save out of the download folder.
 */
export async function stillRealFolder(folder: string): Promise<void> {
  const now = await realpath(folder);
  if (now !== folder) {
    throw Object.assign(new Error('a symlink now stands in the folder path'), { code: 'ELOOP' });
  }
}
