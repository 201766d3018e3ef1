// What the mode runners need from the runner and the outside world, as one parameter: the log,
// outputs, the job summary, the GitHub client, the pipeline and the artifact upload. main.ts
// passes the real ones; tests pass recording ones or point the real ones at local stand-ins.

import { dirname } from 'node:path';
import * as core from '@actions/core';
import type { OutputName } from '../constants.js';
import { type UploadedArtifact, uploadFilesArtifact } from '../github/artifacts.js';
import { createOctokit, type GitHubClient } from '../github/octokit.js';
import { type ActionsCacheStore, actionsCacheStore } from '../history/size-cache-action.js';
import { type PipelineOptions, runPipeline } from '../pipeline.js';
import type { Result } from '../result.js';

export interface ActionIo {
  info(message: string): void;
  warning(message: string): void;
  setOutput(name: OutputName, value: string): void;
  /** Appends Markdown to the job summary (GITHUB_STEP_SUMMARY). */
  appendSummary(markdown: string): Promise<void>;
}

export interface ActionDeps {
  io: ActionIo;
  /** The checkout's directory that `working-directory` is relative to. */
  cwd: string;
  github(token: string): GitHubClient;
  measure(options: PipelineOptions): Promise<Result>;
  /** Uploads `file` (and `more` files of the same directory) as one artifact. */
  upload(name: string, file: string, more?: string[]): Promise<UploadedArtifact>;
  /** The deadline of an artifact's download (github/artifacts.ts DOWNLOAD_TIMEOUT_MS when
   *  absent); tests shorten it. */
  downloadTimeoutMs?: number;
  /** Where the bundle size cache is kept between runs (input `size-cache`); none: no cache. */
  actionsCache?: ActionsCacheStore;
}

export const coreIo: ActionIo = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  setOutput: (name, value) => core.setOutput(name, value),
  async appendSummary(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY) {
      core.info('GITHUB_STEP_SUMMARY is not set (not on a runner): no job summary written.');
      return;
    }
    await core.summary.addRaw(markdown, true).write();
    core.summary.emptyBuffer();
  },
};

export function defaultDeps(apiUrl: string): ActionDeps {
  return {
    io: coreIo,
    cwd: process.cwd(),
    github: (token) => createOctokit({ token, baseUrl: apiUrl, warn: (m) => core.warning(m) }),
    measure: runPipeline,
    upload: (name, file, more = []) => uploadFilesArtifact(name, [file, ...more], dirname(file)),
    actionsCache: actionsCacheStore,
  };
}
