/**
 * The evals database's schema as numbered migrations (its own `user_version`; see `evalStore.ts` for why it
 * is a file of its own). Migration N moves a database from version N to N+1; never edit a released
 * migration, add a new one.
 *
 * Layout: `runs` is one row per suite run (what ran it: models with checksums, the settings that matter, the
 * commit); `figures` every number a run reported, per eval; `cases` each case's outcome (JSON) under a key
 * stable across runs, so two runs pair case by case; `model_checksums` caches the sha256 of model files by
 * path, size and mtime; `gates` the learned show/abstain gates trained on this workspace, newest last.
 */

import type { Database } from "./sqliteFile";

export const evalMigrations: ((database: Database) => void)[] = [
  (database) => {
    database.exec(`
      create table runs (
        id integer primary key,
        started_at integer not null,
        finished_at integer,
        status text not null,
        workspace text not null,
        label text not null,
        evals text not null,
        commit_sha text,
        dirty integer,
        models text not null,
        settings text not null,
        notes text not null default '[]',
        error text
      );

      create table figures (
        run_id integer not null references runs(id) on delete cascade,
        eval text not null,
        name text not null,
        value real,
        primary key (run_id, eval, name)
      );

      create table cases (
        run_id integer not null references runs(id) on delete cascade,
        eval text not null,
        case_key text not null,
        outcome text not null,
        primary key (run_id, eval, case_key)
      );

      create table model_checksums (
        path text primary key,
        size integer not null,
        mtime_ms real not null,
        sha256 text not null
      );

      create table gates (
        id integer primary key,
        created_at integer not null,
        model text not null,
        report text not null
      );
    `);
  },
];
