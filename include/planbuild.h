/*
 * planbuild.h — the C interface of libplanbuild.so, PlanBuild's build engine.
 *
 * PlanBuild resolves a canonical command (verify, module-tests, …) for a module of a project,
 * runs Maven, Gradle or npm with every byte of output in a log file and a timeout learned from
 * earlier runs, parses the log into errors, warnings and test counts, hides the warnings the
 * project accepted, and formats one compact result (TOON or JSON).
 *
 * CONVENTIONS (they hold for every entry point below)
 *
 *   Text      Requests and replies are UTF-8, NUL-terminated JSON objects.
 *
 *   Ownership Every returned `char *` is a new allocation owned by the caller, who releases it
 *             with pb_free() exactly once. Passing any other pointer to pb_free() is undefined;
 *             pb_free(NULL) does nothing. The library keeps no pointer to the request after the
 *             call returns. No entry point returns NULL (except on memory exhaustion).
 *             pb_version's `const char *` is the one exception: a static string, never freed.
 *
 *   Errors    No entry point aborts the process, whatever bytes it is given. A request that is
 *             NULL, empty, not JSON, not an object, larger than 256 MiB, lacks a required member
 *             or has a member of the wrong type is answered with
 *                 {"status":"error","error":"invalid_request","message":"…"}
 *             where the message names the member and what it must be. Other failures are answered
 *             with "status":"error", a machine-readable "error" code (ERROR CODES below), and a
 *             "message" for a person.
 *
 *   Members   In the requests below a member marked `?` is optional: absent or null means the
 *             default stated next to it. Every other member is required. Members the library
 *             does not know are ignored.
 *
 *   Threads   Every entry point may be called from several threads at once. Calls share no
 *             mutable state except project files, which are protected by file locks (so several
 *             processes may also share one project). Long calls (pb_execute, pb_run, pb_wait)
 *             block only the calling thread; ctypes.CDLL releases Python's GIL around them.
 *             pb_execute_start and pb_run_start return at once and work on a thread of the
 *             library's; pb_cancel and pb_wait take their handle from any thread.
 *
 *   Paths     The library reads no global state of the caller to find a project: the project
 *             directory is the request member "project_dir" (default ".", relative to the
 *             caller's working directory) and the plan folder's name is "plan_dir_name"
 *             (default ".plan"). Builds inherit the caller's environment. Every request that
 *             takes "project_dir" also takes two optional members through which a command-line
 *             tool passes its conventions, and the library applies one rule to all three:
 *             "project_dir_option" (a --project-dir typed on a command line) wins over
 *             "plan_base_dir" (the caller's PLAN_BASE_DIR), which wins over "project_dir".
 *
 *   Generations  Every request that takes "project_dir" also takes "generation": "spec" |
 *             "today"? and "script_path"? (the calling module's file). The generation decides where
 *             files are: "spec" (the default) as above, everything in D/.plan/; "today" (plan-marshall's
 *             current release) keeps plan state in "plan_base_dir" (default D/.plan/local) —
 *             run-configuration.json, marshal.json, plans/{plan_id}/build-results/ — and reads
 *             "plan_id"? (a plan's id; a build's log then goes to its build-results). Without
 *             "generation", a "script_path" installed as …/<bundle>/skills/<skill>/scripts/… is read
 *             by its notation's generation (pb_query "notations"), anything else as "spec".
 *
 *   Versions  pb_abi_version() returns PB_ABI_VERSION of the library that was built. A caller
 *             compiled against this header must refuse to use a library whose version differs.
 *             pb_version() names the release ("0.1.0"), as `planbuild --version` and
 *             `pkg-config --modversion planbuild` do; compare ABI versions, not releases.
 *
 * ERROR CODES — every value of "error" in a reply with "status":"error" (a build result's own
 * "error" of pb_execute is listed there):
 *   invalid_request       the request breaks this header (the message names the member)
 *   architecture_missing  no .plan/project-architecture/derived-data.json
 *   architecture_invalid  derived-data.json is not JSON or has no "modules" object
 *   unknown_module        no such module (the message lists the modules and the closest name)
 *   unknown_command       the module has no such command (likewise)
 *   no_builds             pb_run: no module has the command
 *   dependency_cycle      pb_run: the modules of the run depend on each other in a cycle
 *   configuration_invalid run-configuration.json cannot be read, parsed, locked or written
 *   invalid_category      pb_run_config: a warning category outside the known ones
 *   invalid_value         pb_run_config: a canonical or value the operation does not accept
 *   not_found             pb_parse: the log does not exist (pb_run_config "validate": the file)
 *   is_directory          pb_parse: the log is a directory
 *   export_failed         pb_run / pb_execute: a file of "events", "trace", "junit" or "sarif" cannot be written
 *   unreadable            pb_parse: the log cannot be read, or is no regular file
 *   log_file_failed       pb_create_log_file: the file cannot be created
 *   cache_unavailable     pb_cache: the build cache cannot be read, locked or written, or its
 *                         SHA-256 library (Nettle's libnettle.so.8, opened on first use) is missing
 *   server_unavailable    pb_execute / pb_run with "execution_mode" "server": the build server
 *                         cannot be started or reached, went away while the job ran, or its folder
 *                         is unsafe (the message says which; docs/server.md)
 *   detached              pb_wait of a job given up with pb_detach while the build server runs it:
 *                         the job goes on; the reply's "job" is its id (planbuild server result JOB)
 *   internal              a fault of PlanBuild itself, never the caller's
 */
#ifndef PLANBUILD_H
#define PLANBUILD_H

#ifdef __cplusplus
extern "C" {
#endif

/* Changes whenever a request or reply changes incompatibly. */
#define PB_ABI_VERSION 3

/* The ABI version the loaded library implements; compare with PB_ABI_VERSION. */
int pb_abi_version(void);

/* The release of the loaded library ("0.1.0"): a static string, valid while the library is
   loaded; never pass it to pb_free. */
const char *pb_version(void);

/* Releases a string returned by any pb_* function. NULL is allowed. */
void pb_free(char *text);

/*
 * pb_resolve — a canonical command of a module → the complete command line.
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?, "command": "verify", "module": "core"?}
 *           Without "module", the root module (paths.module "." or empty, else the first).
 * Reply:    {"status":"success","module":"core","command":"verify","executable":"python3 … --commandArgs \"verify -pl core\"",
 *            "text":"module: core\ncommand: verify\nexecutable: …\n"} ("text": the three lines
 *            planbuild resolve prints, each value escaped as docs/formats.md says)
 * Errors:   "architecture_missing" (no .plan/project-architecture/derived-data.json),
 *           "architecture_invalid" (not JSON, or no "modules" object),
 *           "unknown_module", "unknown_command" (the message lists what exists and the closest name).
 */
char *pb_resolve(const char *request_json);

/*
 * pb_execute — run one build: learned timeout, log file, process group, parse its log, filter.
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?,
 *            "system": "maven" | "gradle" | "npm",
 *            "args": "verify -pl core"        (a string split like shell words, never run by a shell,
 *                                              or an array of words),
 *            "timeout": 300?                  (seconds to start from when nothing was learned;
 *                                              more than a year is a year, 0 or less is
 *                                              "invalid_request"),
 *            "command_key": "maven:verify"?   (learn under this key instead of the derived one),
 *            "mode": "actionable" | "structured" | "errors"?   (default actionable),
 *            "parse": true?                   (parse the log, of a green build too: its warnings
 *                                              and test counts are part of the result),
 *            "limits": "run"?                 (cap the lists like a `run`: 20 errors, 10 warnings),
 *            "max_errors": 20?, "max_warnings": 10?   (cap the lists; default all, or "limits"),
 *            "learn": true?                   (record the duration in run-configuration.json),
 *            "grace_ms": 1000?                (SIGTERM → SIGKILL grace on timeout),
 *            "env": {"NAME": "value"} | "NAME=value …"?   (set on top of the inherited
 *                                              environment; a text is split like "args")
 *            "working_dir": "packages/web"?,  (where the tool runs, relative to the project)
 *            "junit": "build.xml"?, "sarif": "build.sarif"?,  (also write the build as JUnit XML /
 *                                              SARIF 2.1.0 with every issue, whatever the caps)
 *            "execution_mode": "in_process" | "server" | "auto"?}  (where the build runs: in this
 *                                              process; in the user's build server, started when
 *                                              none runs; or (auto, the default unless
 *                                              PLANBUILD_EXECUTION_MODE says otherwise) in the build
 *                                              server when one runs, else here — docs/server.md)
 *           Absent members: timeout 300, mode actionable, parse true, learn true, grace_ms 1000,
 *           no caps, no env, working_dir the project. What would run, without running it:
 *           pb_query "wrapper".
 * Reply:    the build result, fields in this order:
 *           "status" ("success" | "error" | "timeout" | "cached" | "killed" (a signal PlanBuild
 *           did not send ended it, such as the OOM killer's: "exit_code" is -signal, and nothing is
 *           learned from it) | "indeterminate" (how it ended cannot be known: its status was lost,
 *           or it exited 0 but its log cannot be read)), "exit_code" (-1 when the tool never ran or
 *           timed out), "duration_seconds", "log_file" (absolute; "" when none was created),
 *           "command"; then when present "error" ("build_failed" | "timeout" | "execution_failed" |
 *           "wrapper_not_found" | "log_file_failed" | "killed" | "indeterminate"), "timeout_used_seconds", "wrapper" (Maven,
 *           Gradle: "./mvnw", "mvn", …), "command_type" (npm: "npm" | "npx"), "message" (why the
 *           tool could not run); then "errors" and "warnings" (arrays of
 *           {"file","line","message","category"} with "accepted" in structured mode) and "tests"
 *           ({"passed","failed","skipped","total","duration_seconds"?}) when the log was parsed;
 *           "tests_run" (tests that ran) whenever the log shows a test summary, and
 *           "tool_duration_seconds" on a timeout whose tests were all green so far.
 *           The status is never stronger than the log: with "parse" (the default) the log is read
 *           after every build, and an exit 0 whose log shows failed tests is "error"/"build_failed";
 *           a timeout keeps the tests seen so far only while none failed.
 *           Only an invalid request yields "error":"invalid_request" (and a "junit" / "sarif" file
 *           that cannot be written "export_failed", after the build); everything else is a result.
 *           Through the build server the reply is the same result with "job" (the server's job
 *           id) added at the end; the build runs with this process's environment, working
 *           directory and umask. A build the server was running when it was killed is reported
 *           "killed" without "duration_seconds" (not known).
 * Blocks:   until the build ends or its timeout ends its whole process tree. To cancel it,
 *           use pb_execute_start instead.
 * Processes: each build runs under planbuild-supervisor (installed beside this library), which
 *           reaps it (the status is right even when the caller ignores SIGCHLD), ends every
 *           descendant — setsid'ed ones too — at a timeout or cancellation and when the calling
 *           process dies (even by SIGKILL), and ends what is left in the build's process group
 *           after it exits normally (docs/processes.md).
 */
char *pb_execute(const char *request_json);

/*
 * pb_execute_start — pb_execute on a thread of the library's; returns at once with a handle
 * (> 0) for pb_cancel and pb_wait. The request is read before the call returns (free it when
 * you like); an invalid one is answered by pb_wait. pb_cancel(handle) stops the build (SIGTERM
 * to its whole process tree, SIGKILL after "grace_ms").
 */
long long pb_execute_start(const char *request_json);

/*
 * pb_create_log_file — a new, empty log file that no other build shares.
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?, "system": "maven", "scope": "core"?}
 * Reply:    {"status":"success","log_file":"/abs/D/.plan/temp/build-output/core/maven-2026-01-06-143000.log"}
 *           Scope "default" when absent; any scope is reduced to one safe path component, so no
 *           value can place the file outside build-output/. A second file in the same second
 *           gets a -2, -3, … suffix (created with O_EXCL, safe across processes).
 * Errors:   "log_file_failed".
 */
char *pb_create_log_file(const char *request_json);

/*
 * pb_parse — read a build log into issues, a test summary and the build status.
 *
 * Request:  {"log_file": "/path/to/maven.log", "system": "maven" | "gradle" | "npm",
 *            "mode": "default" | "errors" | "structured" | "no-openrewrite"?}
 *           ("parser" is accepted as a synonym of "system"; one of the two is required).
 *           "errors" keeps only errors, "no-openrewrite" drops category "openrewrite_info".
 * Reply:    {"status":"success","build_status":"SUCCESS" | "FAILURE" | null (the log shows no outcome:
 *            a -q Maven success, compiler output without errors; maven and gradle parsers),
 *            "issues":[{"file","line","message","severity","category","stack_trace","accepted"}…],
 *            "tests":{"passed","failed","skipped","total"} | null,
 *            "summary":{"compilation_errors","test_failures","javadoc_warnings","deprecation_warnings",
 *            "unchecked_warnings","dependency_errors","openrewrite_info","other_warnings","other_errors",
 *            "total_issues"} (counts of the issues returned)}
 *           The log is read as a stream with a fixed buffer: memory stays bounded for any size.
 * Errors:   "not_found", "is_directory", "unreadable".
 */
char *pb_parse(const char *request_json);

/*
 * pb_filter_warnings — apply the project's accepted-warning patterns.
 *
 * Request:  {"warnings":[issue…], "mode": "actionable" | "structured" | "errors"? (default actionable),
 *            "patterns":["^deprecated", "unchecked"]?, "system": "maven"?, "project_dir": D?,
 *            "plan_dir_name": N?}
 *           Without "patterns", they are read from run-configuration.json of "project_dir" under
 *           "system" (e.g. "maven") → "acceptable_warnings" (a list, or an object of lists);
 *           with neither, no warning is accepted. The patterns alone: pb_query "patterns".
 *           A pattern starting with ^ is a case-insensitive regular expression matched at the
 *           start of the message; any other is a case-insensitive substring; invalid ones are skipped.
 * Reply:    {"status":"success","warnings":[issue…],"patterns":[…],"invalid_patterns":[…]}
 * Errors:   "configuration_invalid" (run-configuration.json unreadable or not JSON).
 */
char *pb_filter_warnings(const char *request_json);

/*
 * pb_format — render a build result as TOON or JSON text.
 *
 * Request:  {"result": {…a result object…}, "format": "toon" | "json"? (default toon), "indent": 2?}
 *           ("indent": -1 gives one line, like Python's json.dumps(indent=None)). TOON shows the
 *           scalar fields in the documented order, then "message" when present, then the sections.
 * Reply:    {"status":"success","text":"status\tsuccess\nexit_code\t0\n…",
 *            "notice":"[EXEC] mvn …\n"} — "notice" is what a build script's `run` writes to stderr
 *           before the result (plus "error: message\n" when the tool could not run); every value in
 *           "text" and "notice" has its tabs and line breaks escaped (no forged lines).
 */
char *pb_format(const char *request_json);

/*
 * pb_timeout_get — the timeout to apply to a command.
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?, "command_key": "maven:verify@core",
 *            "default": 300? (without it the minimum applies), "fallback_key": "maven:verify"?,
 *            "explicit": 1800? (a timeout the caller set: replaces what was learned; the minimum still applies)}
 * Reply:    {"status":"success","timeout_seconds":N,"learned":N | null}
 *           N = max(minimum, default) with nothing learned, else max(minimum, int(learned × margin));
 *           minimum 120 and margin 1.25 unless run-configuration.json has "timeout_policy".
 * Errors:   "configuration_invalid".
 */
char *pb_timeout_get(const char *request_json);

/*
 * pb_timeout_set — learn from a finished build.
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?, "command_key": K, "duration": seconds,
 *            "timed_out": false?, "format": "toon"?}
 *           Stores duration the first time, else int(w × max(old, new) + (1 − w) × min(old, new))
 *           with w = 0.80 (or timeout_policy.higher_weight); "timed_out": true stores duration
 *           as it is. Holds an exclusive lock for the read-modify-write and replaces the file by
 *           an atomic rename; keys it does not own are kept. A malformed file is never overwritten.
 *           The arithmetic alone, storing nothing: pb_query "weighted_timeout".
 * Reply:    {"status":"success","timeout_seconds":N,"previous_seconds":P (when one existed),
 *            "source":"initial" | "computed", "text":"status\tsuccess\n…" (with "format": the
 *            lines `timeout set` prints)}
 * Errors:   "configuration_invalid".
 */
char *pb_timeout_set(const char *request_json);

/*
 * pb_run_config — run_config's other operations on run-configuration.json, chosen by "operation".
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?, "operation": OP, …}, OP and its members:
 *   "init" {"force": false?} · "validate" {"file": F? (default the project's file)}
 *   "warning_add" | "warning_remove" {"category": C, "pattern": P, "build_system": "maven"?}
 *   "warning_list" {"category": C?, "build_system": "maven"?}
 *   "profile_mapping_set" {"profile_id": I, "canonical": C} · "profile_mapping_get" |
 *   "profile_mapping_remove" {"profile_id": I} · "profile_mapping_list" {"canonical": C?}
 *   "profile_mapping_batch_set" {"mappings": "JSON text of an object id → canonical"}
 *   "extension_defaults_set" | "extension_defaults_set_default" {"key": K, "value": any JSON, or
 *   "value_text": T (JSON when it parses, else the string)} · "extension_defaults_get" |
 *   "extension_defaults_remove" {"key": K} · "extension_defaults_list" {}
 *           Changes are one locked read-modify-write with an atomic rename (as pb_timeout_set):
 *           through a symbolic link to its target, keeping the file's mode and owner, refusing a
 *           read-only file ("configuration_invalid", file unchanged); every value PlanBuild does
 *           not own is kept byte for byte; a refused argument leaves the file untouched.
 * Reply:    {"status":"success", members of the operation ("action": "added" | "updated" |
 *            "removed" | "skipped" | "created" | "recreated" | "batch_set", …), "text": the TOON
 *            lines run_config.py prints}
 * Errors:   "invalid_category", "invalid_value", "configuration_invalid", "invalid_request".
 */
char *pb_run_config(const char *request_json);

/*
 * pb_query — questions that change nothing, chosen by "what".
 *
 * Request and reply by "what" (every request may carry "project_dir": D? and "plan_dir_name": N?):
 *   "wrapper":  {"system": S, "args": "verify"? (default none), "command_key": K?, "timeout": 300?}
 *               → the result pb_execute would start from, nothing run and no log created:
 *               "status" "success" (or "error" with "error":"wrapper_not_found" …), "command",
 *               "timeout_used_seconds", "wrapper" (Maven, Gradle, Python), "command_type" (npm),
 *               "command_key" (the key the timeout is learned under: "python:pytest_q") and
 *               "command_key_text" (run-config-key's text answer, the key escaped).
 *   "patterns": {"system": S} → {"status":"success","patterns":[…]}, the accepted-warning
 *               patterns of run-configuration.json (errors: "configuration_invalid").
 *   "weighted_timeout": {"existing": N?, "duration": M, "policy": {…}?} → {"status":"success",
 *               "timeout_seconds":T}, pb_timeout_set's arithmetic with nothing stored.
 *   "defaults": {} → {"status":"success","timeout_seconds":300,"run_max_errors":20,
 *               "run_max_warnings":10,"timeout_policy":{"minimum_seconds":120,"safety_margin":1.25,
 *               "higher_weight":0.8}}: what applies when a request leaves a member out.
 *   "modules":  {"command": C?} → {"status":"success","modules":[name…],"text":"…"}: every
 *               module, or those that have command C.
 *   "commands": {"module": M?} → {"status":"success","module":M,"commands":[{"name","description"}…],
 *               "text":"…"} (without "module" the root module).
 *   "module":   {"module": M?} → {"status":"success","module":{…its derived-data.json entry…},
 *               "text":"…"}.
 *   "graph":    {} → {"status":"success","modules":[name…],"edges":[{"from","to","declared"}…],
 *               "external":[{"module","declared"}…],"cycle":[name…]|null,"text":"…","dot":"…"}:
 *               the internal module graph (planbuild graph) — "dependencies" entries resolved from
 *               bare names, Maven groupId:artifactId:scope, Gradle project:NAME:scope and npm
 *               name:scope; entries naming no module of the project are "external".
 *   "text" is what architecture.py prints. Errors of the architecture queries are those of
 *   pb_resolve.
 *   The build scripts' subcommands besides `run` answer {"status":"success","output":{…the JSON
 *   the script prints…},"exit_code":0|1}; a folder or project that is not there is such an
 *   output (exit 1), not an error reply:
 *   "markers":  {"source_dir": "src"?, "extensions": ".java,.kt"? (default ".java"; Gradle
 *               ".java,.kt"), "system": S?} → OpenRewrite `/\*~~(TODO: …)>*\/` markers under the
 *               folder (build, target, .gradle, node_modules skipped): output {"status":"success",
 *               "data":{"total_markers","files_affected","recipe_summary","by_category":
 *               {"auto_suppress":[…],"ask_user":[…]},"auto_suppress_count","ask_user_count",
 *               "markers":[{"file","line","column","message","recipe","raw_marker","action",
 *               "suppression_comment"?,"category","reason"}…]}}, exit 1 while "ask_user" is not
 *               empty; or {"status":"error","error":"source_not_found","message"}.
 *   "gradle_project": {"root": "."?, "project_name": N | "project_path": P (exactly one)} → from
 *               settings.gradle[.kts] and build.gradle[.kts] files, Gradle not run: output
 *               {"status":"success","data":{"project_name","project_path",":a:b","build_file"
 *               (relative, or null),"parent_projects":[":a"],"gradle_p_argument":"-p a/b"}}; or
 *               {"status":"error","error": "root_not_found" | "path_not_found" | "no_build_file" |
 *               "project_not_found" | "ambiguous_project_name" (with "choices"),"message"}.
 *   "check_warnings": {"warnings": [obj…], "patterns": [str…]?, "acceptable_warnings": [..] |
 *               {category: [..]}?, "system": S?} (each also as JSON text: "warnings_json", …;
 *               without patterns those of run-configuration.json under S) → output {"success":true,
 *               "total","acceptable","fixable","unknown","categorized":{"acceptable":[…],
 *               "fixable":[…],"unknown":[…]}}: only severity "warning" (any case) counts; javadoc,
 *               compilation, deprecation and unchecked warnings are fixable whatever the patterns;
 *               accepted messages and "openrewrite_info" acceptable; category ("type") "other" unknown
 *               (marked "requires_classification"); the rest fixable. Exit 1 while any is fixable
 *               or unknown. Malformed JSON text or a non-array is "invalid_value".
 *   Questions of the Python modules of both generations (see pb_script):
 *   "notations": {} → {"status":"success","notations":[{"notation","bundle","skill","script",
 *               "generation","system" (null for non-build scripts)}…],"module_homes":[{"bundle",
 *               "skill","generation"}…],"build_systems":["maven","gradle","npm","python"]}.
 *   "command_key": {"system": S, "args": A, "generation": G?} → {"status":"success",
 *               "command_key","key_suffix"}: the key the generation learns A's timeout under.
 *   "plan_paths": {the members of "Generations", "plan_id"?} → {"status":"success","generation",
 *               "project_dir","plan_dir","state_dir","run_config","marshal","build_results"}.
 *   "outer_timeout": {"timeout": N} → {"status":"success","timeout_seconds": N + 30}: the bound a
 *               caller's own timeout must allow a build of N seconds.
 *   "run_result": {"result": {…}, "evidence": {"issues","tests","build_status"}? | "evidence_error": T?,
 *               "mode"?, "format"?, "system"?, "generation"?, "command_args"?} → {"status":"success","stdout",
 *               "stderr","exit_code","result"}: a result of the caller's own build finished as `run` finishes it
 *               (today's green result: what "command_args" examined, as `run` publishes it).
 *   "issue_summary": {"issues":[issue…]} → {"status":"success","summary":{category: count…,
 *               "total_issues","total_errors","total_warnings"}}.
 *   "run_config_checks": {"document": {…}} → {"status":"success","checks":[{"check","passed",
 *               "message",…}…]}: run_config validate's checks of a document.
 *   "log_text": {"log_file": F} | {"text": T} → {"status":"success","text"}: the log as the parsers
 *               read it (ANSI escapes, CI prefixes and redraws removed; at most 64 MiB); with
 *               "pytest": true also "pytest": whether it holds pytest's report (counts, a failed or errored test).
 *   "gradle_layout": {"root": R?, "folder": F?, "settings_file": S?} → {"status":"success",
 *               with R: "settings_file" (Kotlin script first, or null), "build_files" (relative, hidden
 *               and build-output folders left out), with F "notation" (":a:b", ":" for R, null outside);
 *               with S: "included_projects" ([":a", …]) and "root_project_name" (or null)}.
 *   "script_options": {"script": "gradle" | "gradle.py" | …, "command": ["find-project"], "script_path"?,
 *               "generation"?} → {"status":"success","generation","summary","options":[{"flags",
 *               "dest","kind" (text|integer|choice|flag|repeated),"choices","metavar","help","required",
 *               "default"}…]}: a subcommand's option table (options before the subcommand first), for
 *               a caller that builds its own argument parser and hands the words to pb_script;
 *               "not_found" when the script has no such subcommand in that generation.
 */
char *pb_query(const char *request_json);

/*
 * pb_script — one call of a script PlanBuild provides, as its command line would behave: the
 * argument parsing, help texts, output (in the generation's dialect) and exit code of maven.py,
 * gradle.py, npm.py, pyproject_build.py, run_config.py and architecture.py.
 *
 * Request:  {"script": "maven" | "maven.py" | …, "argv": ["run", "--command-args", "verify"]?,
 *            "generation": "spec" | "today"?, "script_path": "/…/skills/build-maven/scripts/maven.py"?,
 *            "env": {"PLAN_BASE_DIR": …, "PLAN_DIR_NAME": …, "XDG_CONFIG_HOME": …, "HOME": …}?
 *            (other variables are ignored), "working_directory": "."? (relative paths of the
 *            command line are read against it)}
 *           The generation as in "Generations" above (the shims pass PLANBUILD_GENERATION as
 *           "generation", set by the notation dispatcher, and their own file as "script_path").
 * Reply:    {"status":"success","generation","stdout","stderr","exit_code", "data": {…}? (the answer
 *            as an object before it was printed: a run's build result, a run_config answer),
 *            "cancelled": true? (pb_script_start: pb_cancel stopped it)}
 *           A command line the script refuses is such a reply too (argparse's usage on "stderr",
 *           exit code 2); only a malformed request is an error reply.
 * Blocks:   as long as the command takes (a `run` runs its build: use pb_script_start to cancel it).
 */
char *pb_script(const char *request_json);

/*
 * pb_script_start — pb_script on a thread of the library's; returns at once with a handle for
 * pb_cancel, pb_detach and pb_wait, like pb_execute_start. A cancelled `run` prints the cancelled
 * result. A `run` whose --execution-mode (or PLANBUILD_EXECUTION_MODE) picks the build server sends
 * its build there as pb_execute would; pb_detach then leaves it running and the reply's stderr
 * names the job (exit code 1, no "cancelled").
 */
long long pb_script_start(const char *request_json);

/*
 * Progress of long work: called with one event as JSON text (valid only during the call) and the
 * caller's context pointer. Events of one run are delivered one at a time, in order, on the
 * thread that called pb_run (with pb_run_start: on the library's thread of that run); a callback that blocks delays the start of further builds but does
 * not stop running ones. Do not call pb_run from inside the callback; pb_cancel is allowed.
 */
typedef void (*pb_progress_fn)(const char *event_json, void *context);

/*
 * pb_cache — the build cache under .plan/build-cache/ (records of successful builds with their
 * input digests; README.md, "Incremental builds").
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?, "action": "stats" | "list" | "clear" | "explain",
 *            "module": M? (list/clear: only this module; explain: required), "command": C? (explain;
 *            default "verify")}
 * Reply:    stats:   {"status":"success","entries","bytes","oldest_age_seconds","newest_age_seconds",
 *                     "directory","last_run":{"hits","misses","time_saved_seconds"},"total":{…},
 *                     "remote":{"last_run":{"hits","misses","bytes_down","bytes_up"},"total":{…}},"text"}
 *           list:    {"status":"success","entries":[{"module","command","duration_seconds","bytes",
 *                     "recorded_at","artifacts","input_digest"}…],"unreadable"?:[paths],"text"}
 *           clear:   {"status":"success","cleared":N,"module":M | null,"text"}
 *           explain: {"status":"success","module","command","decision":"cached" | "rebuild",
 *                     "time_saved_seconds"? | "cache_miss"? (as in pb_run's builds),"text"}
 *           "text" is what `planbuild cache ACTION` prints (TOON). explain scans and hashes the
 *           module's inputs but builds nothing and records nothing.
 * Errors:   "invalid_request", "cache_unavailable", and for explain those of pb_run's plan.
 * Threads:  any; clear holds the cache's lock, so it never tears a record another run is writing.
 */
char *pb_cache(const char *request_json);

/*
 * pb_run — one canonical command over many modules, orchestrated.
 *
 * Request:  {"project_dir": D?, "plan_dir_name": N?, "command": "verify",
 *            "modules": ["core", "web"]?   (default: every module that has the command, without the
 *                                           root aggregator when other modules exist),
 *            "jobs": 4?                    (concurrency limit; default the number of CPUs; 0 unlimited),
 *            "sequential": false?, "stop_on_failure": false?,
 *            "timeout": 600?               (hard limit per build in seconds; default learned;
 *                                           more than a year is a year, 0 or less is
 *                                           "invalid_request"),
 *            "mode": "actionable"?, "learn": true?, "format": "toon" | "json"?,
 *            "text_only": false?           (with "format": the reply is only {"status","handle",
 *                                           "text"} (and "job" through the server), for a caller
 *                                           that prints the report and reads nothing else),
 *            "progress": "events" | "lines"?  (default "events"; "lines": the callback receives each
 *                                           event's display line instead of its JSON, and nothing
 *                                           for run_started / run_finished — docs/events.md),
 *            "cache": true?                (false: ignore the build cache, as --no-cache),
 *            "force": ["core"]?            (modules rebuilt even when cached; dependents follow),
 *            "remote_cache": "http://…"?   (a shared cache, as --remote-cache: an HTTP cache, or
 *                                           grpc://HOST:PORT, a REAPI server's ActionCache and CAS; overrides
 *                                           incremental.remote.url and PLANBUILD_REMOTE_CACHE),
 *            "remote_cache_write": false?  (true: upload successful builds, as --remote-cache-write),
 *            "remote_execution": "grpc://…"? (each build runs on this Remote Execution API server, as
 *                                           --remote-execution; overrides incremental.remote_execution.url;
 *                                           a build the server cannot take runs here, one warning),
 *            "remote_instance": "main"?    (the server's instance name, as --instance; needs
 *                                           remote_execution),
 *            "events": "run.jsonl"?        (every event as a JSON line, the callback's JSON plus
 *                                           "monotonic_ms", written as it happens; "-": stderr),
 *            "trace": "run.trace.json"?    (Chrome trace-event JSON of the run),
 *            "junit": "run.xml"?, "sarif": "run.sarif"?  (JUnit XML; SARIF 2.1.0 of every error and
 *                                           warning, paths relative to %SRCROOT% = project_dir),
 *            "execution_mode": "in_process" | "server" | "auto"?  (as pb_execute's; through the
 *                                           build server the events come as they happen, the
 *                                           callback gets them as in process, and the reply
 *                                           gains "job"),
 *            "affected": false?            (true: only the modules whose files differ between two
 *                                           git states, and what depends on them, as --affected;
 *                                           "invalid_request" outside a git repository or for an
 *                                           unknown ref),
 *            "base": "REF"?, "head": "REF"?  (with "affected": the states compared; default the
 *                                           merge base with origin/HEAD else HEAD~1, and the
 *                                           working tree with untracked files),
 *            "dry_run": false?             (true: nothing runs, is recorded or downloaded; the reply
 *                                           is the plan, as orchestrate --dry-run --format json:
 *                                           {"status":"success","dry_run":true,"command","run",
 *                                           "cached","skipped","modules":[{"module","action": run |
 *                                           cached | skipped,"cache_miss"? (run),"cache"? and
 *                                           "time_saved_seconds"? (cached),"reason"? (skipped),
 *                                           "dependencies"}…],"affected"? {"base","head",
 *                                           "changed_files"},"cache_warnings"?,"text"? (with
 *                                           "format")}; decided where the run would go: the
 *                                           build server's warm file watcher when the execution
 *                                           mode chooses the server, else this process)}
 *           Export paths are relative to the caller's working directory; the events file is
 *           opened before anything runs, the others written when the run ends ("export_failed"
 *           when one cannot be written: the reply is then that error, the builds having run).
 *           Builds whose inputs are unchanged since a recorded success are not run: they are
 *           "cached" (see pb_cache), with "cache": "local" or "remote" (downloaded from the
 *           shared cache, its SHA-256 checked, put in place). A cache or remote cache that cannot
 *           be used never fails the run: every build runs and "cache_warnings" says why (one line
 *           for the remote cache; a bearer token never appears). The remote cache's HTTP plugin,
 *           libplanbuild-remote.so, is loaded beside the library only when one is configured.
 *           A module's command line that names PlanBuild's own notation
 *           (… execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs "…") runs
 *           in this process; any other runs as a process of its own with the same log capture,
 *           timeout and process-group handling. A module waits for the modules of this run its
 *           "dependencies" name (see "graph" in pb_query); when one of them did not succeed it is
 *           "skipped". Among ready builds the one with the longest remaining chain of learned
 *           durations starts first (critical-path order).
 * Events:   (docs/events.md; members in this order)
 *           {"event":"run_started","command","total","jobs" (null: unlimited),"modules":[…],"handle":H},
 *           {"event":"build_started","module","command","index","elapsed_seconds",
 *            "expected_seconds"? (the learned duration, when there is one)},
 *           {"event":"build_finished","module","command","index","status","duration_seconds",
 *            "duration_ms","errors","warnings","log_file","time_saved_seconds"? (cached),
 *            "cache_miss"? (the reason word of a build that ran although the cache was on),
 *            "first_error"? (a failed build: "file:line: message" of its first error, or why)},
 *           {"event":"build_skipped","module","command","index","status","reason"},
 *           {"event":"progress","total","completed","failed","running","pending","percent",
 *            "elapsed_seconds","eta_seconds" (null until it can be estimated)},
 *           {"event":"run_finished","status","duration_seconds","total"}.
 * Reply:    {"status":"success" | "failure" | "partial","command","duration_seconds","total",
 *            "succeeded","failed","skipped","cancelled","cached","time_saved_seconds",
 *            "builds":[{"module","command","status" (success | error | timeout | skipped | cancelled | cached | killed;
 *                       a build whose ending is not known is an error whose "reason" says so),
 *                       "duration_seconds","log_file","errors" (count),"warnings" (count),"tests",
 *                       "exit_code"?,"reason"?,"first_errors"?,"duration_ms","started_ms","finished_ms",
 *                       "time_saved_seconds"? (cached), "cache_miss"? ({"reason": no_record |
 *                       inputs_changed | dependency_changed | global_input_changed | command_changed |
 *                       artifact_missing | expired | forced | disabled, "added","modified","deleted"
 *                       (first 20 project-relative paths each), "added_count","modified_count",
 *                       "deleted_count", "dependencies"? | "artifacts"?}),
 *                       "executed"? ("remote": ran on the remote execution cluster, or its
 *                       ActionCache had the result — then "cached" with "cache": "remote";
 *                       "local": ran here after the cluster could not be used; absent without
 *                       remote execution), "worker"? (the cluster's worker that ran it)}…],
 *            "cache_warnings"?: ["…"] (a corrupt record, a cache that could not be used),
 *            "stats":{"average_seconds","fastest":{"module","duration_seconds"},"slowest":{…}},
 *            "handle":H, "text": "…" (with "format")}
 * Errors:   "architecture_missing"/"architecture_invalid", "unknown_module", "no_builds",
 *           "dependency_cycle" — all before anything runs; "export_failed" (see "events").
 * Blocks:   until every build has ended. A caller that wants the handle without a callback
 *           uses pb_run_start.
 */
char *pb_run(const char *request_json, pb_progress_fn on_progress, void *context);

/*
 * pb_run_start — pb_run on a thread of the library's; returns at once with the run's handle
 * (> 0). The request is read before the call returns; an invalid one is answered by pb_wait.
 * on_progress (may be NULL) is called on the run's thread, and context must stay valid until
 * pb_wait has returned.
 */
long long pb_run_start(const char *request_json, pb_progress_fn on_progress, void *context);

/*
 * pb_wait — blocks until the job of a handle from pb_run_start, pb_execute_start or
 * pb_script_start has ended and returns its reply (that of pb_run, pb_execute or pb_script), releasing the handle. Call it exactly once
 * per handle; a handle never started or already waited for is answered with "invalid_request".
 * A job not waited for keeps its reply until the process ends.
 */
char *pb_wait(long long handle);

/*
 * pb_cancel — cancel a run or build in flight, from any thread: a handle from pb_run (the
 * run_started event and the reply), pb_run_start, pb_execute_start or pb_script_start. Running builds get SIGTERM
 * to their whole process group, then SIGKILL after the grace; nothing new starts; a run's
 * report has the unfinished builds "cancelled". Returns 1 when the job was in flight, 0 otherwise
 * (finished, or no such handle). A cancelled started job must still be waited for.
 */
int pb_cancel(long long handle);

/*
 * pb_detach — stop waiting for a job (from pb_run_start, pb_execute_start or pb_script_start), from any thread,
 * without cancelling what can go on without the caller. A job the build server runs goes on and
 * keeps its result there; pb_wait then answers {"status":"error","error":"detached","message",
 * "job"} at once. A job running in this process cannot outlive its caller's wait, so it is
 * cancelled exactly as by pb_cancel. (A client stopped by SIGTERM detaches; Ctrl-C cancels.)
 * Returns 1 when the job was in flight, 0 otherwise. The job must still be waited for.
 */
int pb_detach(long long handle);

#ifdef __cplusplus
}
#endif

#endif /* PLANBUILD_H */
