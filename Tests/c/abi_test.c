/*
 * abi_test.c — checks the C ABI of libplanbuild.so against include/planbuild.h.
 *
 * It checks the plumbing, not the parsers' accuracy: every export answers valid requests with
 * the documented reply, answers garbage (NULL, empty, not JSON, not an object, wrong member
 * types, deep nesting, invalid UTF-8, 10 MB members and junk, > 256 MiB) with
 * "error":"invalid_request" or the documented error kind, never returns NULL, always returns a
 * valid UTF-8 JSON object, and can be called from 8 threads at once. Every reply is released
 * with pb_free, so valgrind / LeakSanitizer can see any leak inside the library.
 *
 * Exports tested: every function declared in include/planbuild.h (pb_abi_version, pb_version, pb_free,
 * pb_resolve, pb_execute, pb_create_log_file, pb_parse, pb_filter_warnings, pb_format,
 * pb_timeout_get, pb_timeout_set, pb_run with its progress callback, pb_cancel, pb_detach, pb_script
 * and pb_script_start).
 *
 * Build:  cc -Wall -Wextra -Werror -I include Tests/c/abi_test.c -o abi_test \
 *            -L<dir> -lplanbuild -Wl,-rpath,<dir> -pthread
 *         (scripts/test-c-abi does this, then runs it plainly, under valgrind and with ASan.)
 * Output: one line per check ("ok N - …" or "FAIL N - …", the reply after a failure), comment
 * lines starting with "#", and last "N passed, M failed". Exit status 0 only when M is 0.
 * Environment: PB_ABI_TEST_BIG_BYTES sets the size of the "10 MB" requests (default 10 MiB);
 * PB_ABI_TEST_NO_HUGE=1 skips the 257 MiB request; PB_ABI_TEST_KEEP=1 keeps the temporary
 * projects (under $TMPDIR or /tmp).
 *
 * The fake project: derived-data.json with modules parent (root), core, web and slow, and a fake
 * ./mvnw shell script whose first argument chooses: "fail" prints a javac error and exits 1,
 * "sleep" starts `sleep 60` (its pid in PROJECT/sleep.pid) for timeout and cancellation,
 * anything else prints its arguments and exits 0.
 */
#define _GNU_SOURCE
#include "planbuild.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef char *(*pb_fn)(const char *);

#define INVALID "\"error\":\"invalid_request\""
#define INVALID_ERROR INVALID

struct export_entry {
    const char *name;
    pb_fn fn;
};

/* pb_run as a pb_fn for the garbage tables: its callback only counts events (there must be none). */
static atomic_int garbage_events;
static void count_event(const char *event, void *context) {
    (void)event;
    (void)context;
    atomic_fetch_add(&garbage_events, 1);
}
static char *pb_run_counting(const char *request) { return pb_run(request, count_event, NULL); }
/* The start/wait pairs as a pb_fn: an invalid request must come back from pb_wait. */
static char *pb_execute_start_waiting(const char *request) { return pb_wait(pb_execute_start(request)); }
static char *pb_run_start_waiting(const char *request) { return pb_wait(pb_run_start(request, count_event, NULL)); }
static char *pb_script_start_waiting(const char *request) { return pb_wait(pb_script_start(request)); }

static const struct export_entry EXPORTS[] = {
    {"pb_resolve", pb_resolve},
    {"pb_execute", pb_execute},
    {"pb_create_log_file", pb_create_log_file},
    {"pb_parse", pb_parse},
    {"pb_filter_warnings", pb_filter_warnings},
    {"pb_format", pb_format},
    {"pb_timeout_get", pb_timeout_get},
    {"pb_timeout_set", pb_timeout_set},
    {"pb_run", pb_run_counting},
    {"pb_query", pb_query},
    {"pb_execute_start", pb_execute_start_waiting},
    {"pb_run_start", pb_run_start_waiting},
    {"pb_script", pb_script},
    {"pb_script_start", pb_script_start_waiting},
};
#define EXPORT_COUNT (sizeof(EXPORTS) / sizeof(EXPORTS[0]))

/* ------------------------------------------------------------------------------------------ */
/* Reporting                                                                                  */

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static int passed, failed;

static void report(int ok, const char *detail, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int utf8_valid(const unsigned char *s);

/* Prints text, escaping control bytes, and all bytes >= 0x80 when it is not valid UTF-8. */
static void print_escaped(const char *text, size_t limit) {
    int utf8 = utf8_valid((const unsigned char *)text);
    size_t i;
    for (i = 0; text[i] && i < limit; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c != 0x7f && (c < 0x80 || utf8)) putchar(c); else printf("\\x%02x", c);
    }
    if (text[i]) printf("...");
}

/* One line per check; on failure the reply (or another detail) follows, cut to 400 bytes. */
static void report(int ok, const char *detail, const char *format, ...) {
    char label[1024];
    va_list args;
    va_start(args, format);
    vsnprintf(label, sizeof label, format, args);
    va_end(args);
    pthread_mutex_lock(&report_lock);
    if (ok) passed++; else failed++;
    printf("%s %d - ", ok ? "ok" : "FAIL", passed + failed);
    print_escaped(label, sizeof label);
    if (!ok && detail != NULL) {
        printf(" | got (%zu bytes): ", strlen(detail));
        print_escaped(detail, 400);
    }
    putchar('\n');
    fflush(stdout);
    pthread_mutex_unlock(&report_lock);
}

/* ------------------------------------------------------------------------------------------ */
/* Reply validation: every reply must be one valid JSON object in valid UTF-8.                */

static int utf8_valid(const unsigned char *s) {
    while (*s) {
        unsigned char c = *s;
        int extra;
        uint32_t cp;
        if (c < 0x80) { s++; continue; }
        else if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; if (cp < 2) return 0; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; if (c > 0xF4) return 0; }
        else return 0;
        s++;
        for (int i = 0; i < extra; i++, s++) {
            if ((*s & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (*s & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
        if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    }
    return 1;
}

struct jcursor { const char *p; int depth; };

static void jws(struct jcursor *c) { while (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t') c->p++; }
static int jvalue(struct jcursor *c);

static int jstring(struct jcursor *c) {
    if (*c->p != '"') return 0;
    c->p++;
    for (;;) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == 0 || ch < 0x20) return 0;
        if (ch == '"') { c->p++; return 1; }
        if (ch == '\\') {
            c->p++;
            if (*c->p == 'u') {
                for (int i = 1; i <= 4; i++) {
                    char h = c->p[i];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) return 0;
                }
                c->p += 5;
            } else if (*c->p && strchr("\"\\/bfnrt", *c->p)) {
                c->p++;
            } else {
                return 0;
            }
        } else {
            c->p++;
        }
    }
}

static int jnumber(struct jcursor *c) {
    const char *start = c->p;
    if (*c->p == '-') c->p++;
    if (*c->p == '0') c->p++;
    else if (*c->p >= '1' && *c->p <= '9') while (*c->p >= '0' && *c->p <= '9') c->p++;
    else return 0;
    if (*c->p == '.') { c->p++; if (!(*c->p >= '0' && *c->p <= '9')) return 0; while (*c->p >= '0' && *c->p <= '9') c->p++; }
    if (*c->p == 'e' || *c->p == 'E') {
        c->p++;
        if (*c->p == '+' || *c->p == '-') c->p++;
        if (!(*c->p >= '0' && *c->p <= '9')) return 0;
        while (*c->p >= '0' && *c->p <= '9') c->p++;
    }
    return c->p > start;
}

static int jcontainer(struct jcursor *c, char open, char close) {
    if (*c->p != open || ++c->depth > 1000) return 0;
    c->p++;
    jws(c);
    if (*c->p == close) { c->p++; c->depth--; return 1; }
    for (;;) {
        jws(c);
        if (open == '{') {
            if (!jstring(c)) return 0;
            jws(c);
            if (*c->p != ':') return 0;
            c->p++;
            jws(c);
        }
        if (!jvalue(c)) return 0;
        jws(c);
        if (*c->p == ',') { c->p++; continue; }
        if (*c->p == close) { c->p++; c->depth--; return 1; }
        return 0;
    }
}

static int jvalue(struct jcursor *c) {
    switch (*c->p) {
    case '{': return jcontainer(c, '{', '}');
    case '[': return jcontainer(c, '[', ']');
    case '"': return jstring(c);
    case 't': if (strncmp(c->p, "true", 4) == 0) { c->p += 4; return 1; } return 0;
    case 'f': if (strncmp(c->p, "false", 5) == 0) { c->p += 5; return 1; } return 0;
    case 'n': if (strncmp(c->p, "null", 4) == 0) { c->p += 4; return 1; } return 0;
    default: return jnumber(c);
    }
}

/* NULL when text is one well-formed JSON object in valid UTF-8, else the reason. */
static const char *object_problem(const char *text) {
    if (text == NULL) return "NULL";
    if (!utf8_valid((const unsigned char *)text)) return "not valid UTF-8";
    struct jcursor c = {text, 0};
    jws(&c);
    if (*c.p != '{') return "not a JSON object";
    if (!jvalue(&c)) return "not valid JSON";
    jws(&c);
    if (*c.p != '\0') return "text after the JSON object";
    return NULL;
}

/* NULL when the reply is a well-formed JSON object starting with "status", else the reason. */
static const char *reply_problem(const char *reply) {
    const char *problem = object_problem(reply);
    if (problem != NULL) return problem;
    if (strncmp(reply, "{\"status\":\"", 11) != 0) return "reply does not start with \"status\"";
    return NULL;
}

/* Every needle must occur in the reply; a needle "a||b" accepts either alternative. */
static const char *missing_needle(const char *reply, va_list needles) {
    static __thread char missing[256];
    const char *needle;
    while ((needle = va_arg(needles, const char *)) != NULL) {
        int found = 0;
        const char *alt = needle;
        for (;;) {
            const char *bar = strstr(alt, "||");
            size_t length = bar ? (size_t)(bar - alt) : strlen(alt);
            char piece[256];
            snprintf(piece, sizeof piece, "%.*s", (int)length, alt);
            if (strstr(reply, piece) != NULL) { found = 1; break; }
            if (!bar) break;
            alt = bar + 2;
        }
        if (!found) {
            snprintf(missing, sizeof missing, "%s", needle);
            return missing;
        }
    }
    return NULL;
}

/* Calls fn(request), checks the reply is a valid JSON object containing every needle, prints one
 * line, and returns the reply (to be released by the caller with pb_free) — or frees it when
 * keep is 0. */
static double now_seconds(void);

static char *vcheck(int keep, const char *label, pb_fn fn, const char *request, va_list needles) {
    double started = now_seconds();
    char *reply = fn(request);
    double took = now_seconds() - started;
    if (took >= 2.0) printf("# slow: the next check's call took %.1f s\n", took);
    const char *problem = reply_problem(reply);
    char why[400] = "";
    if (problem == NULL) {
        const char *missing = missing_needle(reply, needles);
        if (missing != NULL) snprintf(why, sizeof why, "reply lacks %s", missing);
    } else {
        snprintf(why, sizeof why, "%s", problem);
    }
    if (why[0] == '\0') report(1, NULL, "%s", label);
    else {
        char line[600];
        snprintf(line, sizeof line, "%s: %s", label, why);
        report(0, reply, "%s", line);
    }
    if (!keep) { pb_free(reply); return NULL; }
    return reply;
}

/* expect(label, fn, request, needle…, NULL) */
static void expect(const char *label, pb_fn fn, const char *request, ...) {
    va_list needles;
    va_start(needles, request);
    vcheck(0, label, fn, request, needles);
    va_end(needles);
}

/* Like expect, but hands the reply back (caller pb_frees it). */
static char *expect_keep(const char *label, pb_fn fn, const char *request, ...) {
    va_list needles;
    va_start(needles, request);
    char *reply = vcheck(1, label, fn, request, needles);
    va_end(needles);
    return reply;
}

/* Quiet variant for the threads: 1 when the reply is valid and holds every needle. */
static int quiet(pb_fn fn, const char *request, char **failure, ...) {
    char *reply = fn(request);
    int ok = reply_problem(reply) == NULL;
    if (ok) {
        va_list needles;
        va_start(needles, failure);
        ok = missing_needle(reply, needles) == NULL;
        va_end(needles);
    }
    if (!ok && failure != NULL && *failure == NULL) *failure = reply ? strdup(reply) : strdup("(NULL)");
    pb_free(reply);
    return ok;
}

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                              */

static char *format_text(const char *format, ...) __attribute__((format(printf, 1, 2)));
static char *format_text(const char *format, ...) {
    va_list args;
    va_start(args, format);
    char *text = NULL;
    if (vasprintf(&text, format, args) < 0) { perror("vasprintf"); exit(2); }
    va_end(args);
    return text;
}

static void write_file(const char *path, const char *content, mode_t mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) { fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno)); exit(2); }
    size_t length = strlen(content), done = 0;
    while (done < length) {
        ssize_t n = write(fd, content + done, length - done);
        if (n <= 0) { perror("write"); exit(2); }
        done += (size_t)n;
    }
    close(fd);
    chmod(path, mode);
}

static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) return NULL;
    size_t capacity = 4096, length = 0;
    char *text = malloc(capacity);
    size_t n;
    while ((n = fread(text + length, 1, capacity - length - 1, file)) > 0) {
        length += n;
        if (capacity - length < 2) text = realloc(text, capacity *= 2);
    }
    text[length] = '\0';
    fclose(file);
    return text;
}

static void make_dirs(const char *path) {
    char buffer[4096];
    snprintf(buffer, sizeof buffer, "%s", path);
    for (char *p = buffer + 1; *p; p++) {
        if (*p == '/') { *p = '\0'; mkdir(buffer, 0755); *p = '/'; }
    }
    mkdir(buffer, 0755);
}

/* The string value of "key" in a reply (first occurrence), unescaped; NULL when absent. */
static char *json_string_member(const char *reply, const char *key) {
    char pattern[128];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = strstr(reply, pattern);
    if (start == NULL) return NULL;
    start += strlen(pattern);
    char *out = malloc(strlen(start) + 1);
    size_t n = 0;
    for (const char *p = start; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            switch (*p) {
            case 'n': out[n++] = '\n'; break;
            case 't': out[n++] = '\t'; break;
            default: out[n++] = *p; break;
            }
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

/* ------------------------------------------------------------------------------------------ */
/* The temporary projects                                                                     */

static char root_dir[256];      /* holds everything below                                     */
static char project[300];       /* a valid project: derived-data.json, mvnw, gradlew           */
static char empty_project[300]; /* no .plan at all                                            */
static char broken_project[300];/* derived-data.json and run-configuration.json are not JSON   */
static char log_dir[300];       /* logs for pb_parse                                          */
static char cyclic_project[300];/* two modules that depend on each other                      */

static const char *DERIVED_DATA =
    "{\n"
    "  \"project\": {\"name\": \"abi-demo\"},\n"
    "  \"modules\": {\n"
    "    \"parent\": {\n"
    "      \"name\": \"parent\", \"build_systems\": [\"maven\"],\n"
    "      \"paths\": {\"module\": \".\", \"descriptor\": \"pom.xml\"},\n"
    "      \"commands\": {\n"
    "        \"verify\": \"python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs \\\"verify\\\"\",\n"
    "        \"clean\": \"python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs \\\"clean\\\"\"\n"
    "      }\n"
    "    },\n"
    "    \"core\": {\n"
    "      \"name\": \"core\", \"build_systems\": [\"maven\"],\n"
    "      \"paths\": {\"module\": \"core\", \"descriptor\": \"core/pom.xml\"},\n"
    "      \"commands\": {\n"
    "        \"verify\": \"python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs \\\"verify -pl core\\\"\",\n"
    "        \"module-tests\": {\"executable\": \"python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs \\\"test -pl core\\\"\"}\n"
    "      }\n"
    "    },\n"
    "    \"web\": {\n"
    "      \"name\": \"web\", \"build_systems\": [\"maven\"], \"dependencies\": [],\n"
    "      \"paths\": {\"module\": \"web\", \"descriptor\": \"web/pom.xml\"},\n"
    "      \"commands\": {\n"
    "        \"verify\": \"python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs \\\"fail -pl web\\\"\"\n"
    "      }\n"
    "    },\n"
    "    \"slow\": {\n"
    "      \"name\": \"slow\", \"build_systems\": [\"maven\"],\n"
    "      \"paths\": {\"module\": \"slow\", \"descriptor\": \"slow/pom.xml\"},\n"
    "      \"commands\": {\n"
    "        \"integration-tests\": \"python3 .plan/execute-script.py pm-dev-java:plan-marshall-plugin:maven run --commandArgs \\\"sleep -pl slow\\\"\"\n"
    "      }\n"
    "    }\n"
    "  },\n"
    "  \"extensions_used\": []\n"
    "}\n";

/* The fake Maven wrapper: "fail" exits 1 printing a compile error, "sleep" outlives any timeout,
 * anything else exits 0. It prints its arguments and PB_ABI_MARK so the log can be checked. */
static const char *FAKE_MVNW =
    "#!/bin/sh\n"
    "echo \"fake-mvnw args: $*\"\n"
    "echo \"fake-mvnw mark: ${PB_ABI_MARK:-unset}\"\n"
    "case \"$1\" in\n"
    "  fail)\n"
    "    echo \"[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ core ---\"\n"
    "    echo \"[ERROR] /src/main/java/demo/Foo.java:[20,5] cannot find symbol\"\n"
    "    echo \"[INFO] BUILD FAILURE\"\n"
    "    exit 1 ;;\n"
    "  sleep)\n"
    "    sleep 60 &\n"
    "    echo $! > sleep.pid\n"
    "    wait\n"
    "    exit 0 ;;\n"
    "esac\n"
    "echo \"[INFO] BUILD SUCCESS\"\n"
    "exit 0\n";

static const char *MAVEN_LOG =
    "[INFO] Scanning for projects...\n"
    "[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ core ---\n"
    "[WARNING] /src/main/java/demo/Foo.java:[12,8] [deprecation] bar() in Baz has been deprecated\n"
    "[ERROR] COMPILATION ERROR : \n"
    "[ERROR] /src/main/java/demo/Foo.java:[20,5] cannot find symbol\n"
    "[INFO] Tests run: 5, Failures: 1, Errors: 0, Skipped: 1\n"
    "[INFO] BUILD FAILURE\n";

static void make_projects(void) {
    const char *tmp = getenv("TMPDIR");
    snprintf(root_dir, sizeof root_dir, "%s/pb-abi-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(root_dir) == NULL) { perror("mkdtemp"); exit(2); }
    /* The paths go into JSON requests unescaped: keep them to safe characters. */
    for (const char *p = root_dir; *p; p++) {
        if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) {
            fprintf(stderr, "unsuitable temporary directory %s\n", root_dir);
            exit(2);
        }
    }
    char path[600];
    snprintf(project, sizeof project, "%s/project", root_dir);
    snprintf(empty_project, sizeof empty_project, "%s/empty", root_dir);
    snprintf(broken_project, sizeof broken_project, "%s/broken", root_dir);
    snprintf(log_dir, sizeof log_dir, "%s/logs", root_dir);
    snprintf(cyclic_project, sizeof cyclic_project, "%s/cyclic", root_dir);

    snprintf(path, sizeof path, "%s/.plan/project-architecture", project);
    make_dirs(path);
    snprintf(path, sizeof path, "%s/.plan/project-architecture/derived-data.json", project);
    write_file(path, DERIVED_DATA, 0644);
    snprintf(path, sizeof path, "%s/mvnw", project);
    write_file(path, FAKE_MVNW, 0755);
    /* A gradlew that exists but cannot be executed → wrapper_not_found. */
    snprintf(path, sizeof path, "%s/gradlew", project);
    write_file(path, "#!/bin/sh\nexit 0\n", 0644);
    /* A run configuration with a minimum of 1 s (so a timeout can be tested quickly) and
     * accepted warnings in the object-of-lists shape. */
    snprintf(path, sizeof path, "%s/.plan/run-configuration.json", project);
    write_file(path,
               "{\"version\": 1, \"owner_note\": \"kept\",\n"
               " \"timeout_policy\": {\"minimum_seconds\": 1},\n"
               " \"commands\": {},\n"
               " \"maven\": {\"acceptable_warnings\": {\"deprecation\": [\"^\\\\[deprecation\\\\]\"], \"other\": [\"UNCHECKED\"]}}}\n",
               0644);

    make_dirs(empty_project);

    snprintf(path, sizeof path, "%s/.plan/project-architecture", cyclic_project);
    make_dirs(path);
    snprintf(path, sizeof path, "%s/.plan/project-architecture/derived-data.json", cyclic_project);
    write_file(path,
               "{\"modules\": {"
               "\"a\": {\"name\": \"a\", \"paths\": {\"module\": \"a\"}, \"dependencies\": [\"b\"], \"commands\": {\"verify\": \"true\"}},"
               "\"b\": {\"name\": \"b\", \"paths\": {\"module\": \"b\"}, \"dependencies\": [{\"name\": \"a\"}], \"commands\": {\"verify\": \"true\"}}}}",
               0644);

    snprintf(path, sizeof path, "%s/.plan/project-architecture", broken_project);
    make_dirs(path);
    snprintf(path, sizeof path, "%s/.plan/project-architecture/derived-data.json", broken_project);
    write_file(path, "{\"modules\": [1, 2", 0644);
    snprintf(path, sizeof path, "%s/.plan/run-configuration.json", broken_project);
    write_file(path, "{\"commands\": {\"maven:verify\": ", 0644);
    /* An executable gradlew whose interpreter does not exist → execution_failed. */
    snprintf(path, sizeof path, "%s/gradlew", broken_project);
    write_file(path, "#!/nonexistent/interpreter/for/pb-abi-test\nexit 0\n", 0755);

    make_dirs(log_dir);
    snprintf(path, sizeof path, "%s/maven.log", log_dir);
    write_file(path, MAVEN_LOG, 0644);
    snprintf(path, sizeof path, "%s/success.log", log_dir);
    write_file(path, "[INFO] Scanning for projects...\n[INFO] BUILD SUCCESS\n", 0644);
    snprintf(path, sizeof path, "%s/no-outcome.log", log_dir);
    write_file(path, "[INFO] Scanning for projects...\n", 0644);
    /* Invalid UTF-8 bytes and a 1 MiB line: tolerated by the streaming reader. */
    {
        size_t size = (1u << 20) + 256;
        char *text = malloc(size + 1);
        size_t n = (size_t)sprintf(text, "[ERROR] /src/main/java/demo/Bad.java:[3,1] bad bytes \xff\xfe\xc3\x28 in a message\n[WARNING] ");
        memset(text + n, 'w', (1u << 20));
        n += (1u << 20);
        n += (size_t)sprintf(text + n, "\n[INFO] BUILD FAILURE\n");
        text[n] = '\0';
        snprintf(path, sizeof path, "%s/hostile.log", log_dir);
        write_file(path, text, 0644);
        free(text);
    }
}

static void remove_projects(void) {
    const char *keep = getenv("PB_ABI_TEST_KEEP");
    if (keep && *keep && strcmp(keep, "0") != 0) {
        printf("# kept %s\n", root_dir);
        return;
    }
    nftw(root_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------------------------------------ */
/* Valid requests                                                                             */

static void test_version_and_free(void) {
    report(pb_abi_version() == PB_ABI_VERSION, NULL, "pb_abi_version() == PB_ABI_VERSION (%d, library %d)",
           PB_ABI_VERSION, pb_abi_version());
    const char *version = pb_version();
    /* A release such as "0.1.0": digits first, printable, short; the same pointer every call. */
    int plausible = version != NULL && version[0] >= '0' && version[0] <= '9' && strlen(version) < 64
        && strspn(version, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+-") == strlen(version);
    report(plausible && pb_version() == version, NULL, "pb_version() is a static release string (%s)",
           version ? version : "NULL");
    pb_free(NULL);
    report(1, NULL, "pb_free(NULL) returns");
}

static void test_resolve(void) {
    char *r;
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"module\":\"core\"}", project);
    expect("pb_resolve verify core", pb_resolve, r, "\"status\":\"success\"", "\"module\":\"core\"",
           "\"command\":\"verify\"", "--commandArgs \\\"verify -pl core\\\"\"", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\"}", project);
    expect("pb_resolve defaults to the root module", pb_resolve, r, "\"status\":\"success\"",
           "\"module\":\"parent\"", "--commandArgs \\\"verify\\\"\"", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"plan_dir_name\":\".plan\",\"command\":\"module-tests\",\"module\":\"core\",\"unknown_member\":[1,{}]}", project);
    expect("pb_resolve object command with executable, unknown members ignored", pb_resolve, r,
           "\"status\":\"success\"", "\"command\":\"module-tests\"", "test -pl core", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verfy\",\"module\":\"core\"}", project);
    expect("pb_resolve unknown command → unknown_command naming the closest", pb_resolve, r,
           "\"status\":\"error\"", "\"error\":\"unknown_command\"", "verify", "\"message\":\"", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"module\":\"cor\"}", project);
    expect("pb_resolve unknown module → unknown_module listing modules", pb_resolve, r,
           "\"status\":\"error\"", "\"error\":\"unknown_module\"", "core", "parent", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\"}", empty_project);
    expect("pb_resolve without derived-data.json → architecture_missing", pb_resolve, r,
           "\"status\":\"error\"", "\"error\":\"architecture_missing\"", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"plan_dir_name\":\"no-such-plan\",\"command\":\"verify\"}", project);
    expect("pb_resolve honours plan_dir_name", pb_resolve, r, "\"error\":\"architecture_missing\"", "no-such-plan", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\"}", broken_project);
    expect("pb_resolve with broken derived-data.json → architecture_invalid", pb_resolve, r,
           "\"status\":\"error\"", "\"error\":\"architecture_invalid\"", NULL);
    free(r);
}

/* Runs fn with stdout and stderr redirected to a file; 1 when nothing was written there. */
static char *call_silently(pb_fn fn, const char *request, int *silent) {
    char capture[600];
    snprintf(capture, sizeof capture, "%s/captured-output", root_dir);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    int fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    char *reply = fn(request);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    struct stat st;
    *silent = stat(capture, &st) == 0 && st.st_size == 0;
    return reply;
}

static void check_log(const char *label, const char *reply, const char *needle) {
    char *log = reply ? json_string_member(reply, "log_file") : NULL;
    char *text = log && log[0] == '/' ? read_file(log) : NULL;
    report(text != NULL && strstr(text, needle) != NULL, text ? text : log,
           "%s: log file is absolute and holds \"%s\"", label, needle);
    free(text);
    free(log);
}

/* The pid the fake mvnw's "sleep" case wrote into PROJECT/sleep.pid, or 0; the file is removed. */
static pid_t take_sleep_pid(void) {
    char path[600];
    snprintf(path, sizeof path, "%s/sleep.pid", project);
    char *text = read_file(path);
    pid_t pid = text ? (pid_t)atoi(text) : 0;
    free(text);
    unlink(path);
    return pid;
}

/* 1 when pid is gone (or a zombie) within `seconds`. */
static int process_gone(pid_t pid, double seconds) {
    if (pid <= 0) return 0;
    for (int i = 0; i < (int)(seconds * 20); i++) {
        if (kill(pid, 0) != 0 && errno == ESRCH) return 1;
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        char *stat_text = read_file(path);
        const char *close_paren = stat_text ? strrchr(stat_text, ')') : NULL;
        int zombie = close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
        free(stat_text);
        if (zombie) return 1;
        usleep(50000);
    }
    return 0;
}

static void test_execute(void) {
    char *r, *reply;
    int silent = 0;

    /* Success: exit 0, wrapper ./mvnw, output only in the log file. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify -pl core\",\"timeout\":60,"
                    "\"command_key\":\"maven:abi-success\",\"env\":{\"PB_ABI_MARK\":\"mark-42\"}}", project);
    reply = call_silently(pb_execute, r, &silent);
    free(r);
    {
        const char *problem = reply_problem(reply);
        report(problem == NULL && strstr(reply, "{\"status\":\"success\",\"exit_code\":0,\"duration_seconds\":") == reply &&
               strstr(reply, "\"wrapper\":\"./mvnw\"") && strstr(reply, "\"command\":\"./mvnw verify -pl core\"") &&
               strstr(reply, "\"timeout_used_seconds\":60"),
               reply, "pb_execute exit 0 → success, exit_code 0, ./mvnw, timeout_used_seconds 60, field order");
        report(silent, NULL, "pb_execute writes nothing to the caller's stdout/stderr");
        check_log("pb_execute success", reply, "fake-mvnw args: verify -pl core");
        check_log("pb_execute env member", reply, "fake-mvnw mark: mark-42");
    }
    pb_free(reply);

    /* "env" as text: split like "args", quotes included; "limits":"run" is accepted. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify -pl core\",\"learn\":false,"
                    "\"limits\":\"run\",\"env\":\"PB_ABI_MARK='mark 43' OTHER=x\"}", project);
    reply = pb_execute(r);
    free(r);
    check_log("pb_execute env text split like shell words", reply, "fake-mvnw mark: mark 43");
    pb_free(reply);
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify\",\"env\":\"NOEQUALS\"}", project);
    expect("pb_execute env text word without = → invalid_request naming env", pb_execute, r, INVALID, "env", "NOEQUALS", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify\",\"limits\":\"all\"}", project);
    expect("pb_execute unknown limits → invalid_request naming limits", pb_execute, r, INVALID, "limits", NULL);
    free(r);

    /* The duration was learned under command_key: the fake build takes less than a second, which
     * is learned as 1 s (rounded up, never 0). */
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:abi-success\",\"default\":300}", project);
    expect("pb_timeout_get sees the duration pb_execute learned", pb_timeout_get, r,
           "\"status\":\"success\"", "\"learned\":1", NULL);
    free(r);

    /* Args as an array of words: a word with a space stays one word. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":[\"package\",\"-Dmsg=a b\"],\"learn\":false}", project);
    reply = expect_keep("pb_execute args as an array", pb_execute, r, "\"status\":\"success\"",
                        "\"command\":\"./mvnw package '-Dmsg=a b'\"||\"command\":\"./mvnw package \\\"-Dmsg=a b\\\"\"||-Dmsg=a b", NULL);
    check_log("pb_execute args array", reply, "fake-mvnw args: package -Dmsg=a b");
    pb_free(reply);
    free(r);

    /* Failure: exit 1 → error/build_failed with the parsed error. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"fail -pl core\",\"learn\":false,"
                    "\"mode\":\"structured\",\"max_errors\":5,\"max_warnings\":5}", project);
    reply = expect_keep("pb_execute exit 1 → error, build_failed, exit_code 1, parsed errors", pb_execute, r,
                        "{\"status\":\"error\",\"exit_code\":1,", "\"error\":\"build_failed\"", "\"errors\":[",
                        "cannot find symbol", NULL);
    check_log("pb_execute failure", reply, "fake-mvnw args: fail -pl core");
    pb_free(reply);
    free(r);

    /* parse false: no diagnostics attached. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"fail\",\"learn\":false,\"parse\":false}", project);
    reply = expect_keep("pb_execute parse:false → build_failed without errors list", pb_execute, r,
                        "\"error\":\"build_failed\"", NULL);
    report(reply && strstr(reply, "\"errors\":") == NULL, reply, "pb_execute parse:false attaches no \"errors\"");
    pb_free(reply);
    free(r);

    /* Timeout: 1 s (the project's policy allows it), the whole group is killed. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"sleep\",\"timeout\":1,\"grace_ms\":200,"
                    "\"learn\":false}", project);
    take_sleep_pid();
    expect("pb_execute timeout → status timeout, exit_code -1", pb_execute, r,
           "{\"status\":\"timeout\",\"exit_code\":-1,", "\"error\":\"timeout\"", "\"timeout_used_seconds\":1", NULL);
    pid_t sleeper = take_sleep_pid();
    report(process_gone(sleeper, 3.0), NULL, "pb_execute timeout killed the whole process group (grandchild %d gone)", (int)sleeper);
    free(r);

    /* A wrapper that exists but is not executable. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"gradle\",\"args\":\"build\"}", project);
    expect("pb_execute non-executable ./gradlew → wrapper_not_found", pb_execute, r,
           "\"status\":\"error\"", "\"exit_code\":-1", "\"error\":\"wrapper_not_found\"", "chmod", NULL);
    free(r);

    /* A wrapper that cannot be started (its interpreter does not exist). The project's
     * run-configuration.json is malformed, so execution_failed comes from one or the other. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"gradle\",\"args\":\"build\",\"learn\":false}", broken_project);
    expect("pb_execute unstartable tool → execution_failed, exit_code -1", pb_execute, r,
           "\"status\":\"error\"", "\"exit_code\":-1", "\"error\":\"execution_failed\"", "\"message\":\"", NULL);
    free(r);

    /* Unbalanced quote in the args string: a result, not invalid_request. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify \\\"-Dx=unterminated\"}", project);
    expect("pb_execute unbalanced quote → error result (execution_failed)", pb_execute, r,
           "\"status\":\"error\"", "\"error\":\"execution_failed\"||\"error\":\"invalid_request\"", NULL);
    free(r);

    r = format_text("{\"what\":\"wrapper\",\"project_dir\":\"%s\",\"system\":\"npm\",\"args\":\"run build\"}", project);
    expect("pb_query wrapper npm → command_type npm", pb_query, r, "\"status\":\"success\"",
           "\"command_type\":\"npm\"", NULL);
    free(r);
}

/* 1 when path is dir/… with dir the project's build-output folder and no ".." component. */
static int inside_build_output(const char *path, const char *project_dir) {
    char prefix[700];
    snprintf(prefix, sizeof prefix, "%s/.plan/temp/build-output/", project_dir);
    if (path == NULL || strncmp(path, prefix, strlen(prefix)) != 0) return 0;
    if (strstr(path, "/../") || strstr(path, "/./")) return 0;
    return strchr(path + strlen(prefix), '/') != NULL
        && strchr(strchr(path + strlen(prefix), '/') + 1, '/') == NULL; /* exactly scope/file */
}

static void test_create_log_file(void) {
    char *r, *reply, *first = NULL, *second = NULL;
    struct stat st;

    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"scope\":\"core\"}", project);
    reply = expect_keep("pb_create_log_file maven/core → success", pb_create_log_file, r,
                        "{\"status\":\"success\",\"log_file\":\"/", "/.plan/temp/build-output/core/maven-", ".log\"}", NULL);
    first = reply ? json_string_member(reply, "log_file") : NULL;
    report(first && stat(first, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0, first,
           "pb_create_log_file created an empty regular file");
    pb_free(reply);
    reply = pb_create_log_file(r);
    second = reply ? json_string_member(reply, "log_file") : NULL;
    report(first && second && strcmp(first, second) != 0 && stat(second, &st) == 0, reply,
           "pb_create_log_file twice → two distinct files");
    pb_free(reply);
    free(first);
    free(second);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"system\":\"gradle\"}", project);
    expect("pb_create_log_file without scope → default", pb_create_log_file, r, "\"status\":\"success\"",
           "/build-output/default/gradle-", NULL);
    free(r);

    static const char *hostile[] = {"../../../../etc", "/etc/passwd", "..", ".", "a/b/c", "", "\\u0000x", "\xff\xfe"};
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        r = format_text("{\"project_dir\":\"%s\",\"system\":\"npm\",\"scope\":\"%s\"}", project, hostile[i]);
        char label[200];
        snprintf(label, sizeof label, "pb_create_log_file scope \"%s\" → answered", hostile[i]);
        reply = expect_keep(label, pb_create_log_file, r, "\"status\":", NULL);
        char *path = reply ? json_string_member(reply, "log_file") : NULL;
        int nul = strstr(hostile[i], "u0000") != NULL;
        report(nul ? (reply && strstr(reply, INVALID_ERROR) != NULL) : inside_build_output(path, project), reply,
               "pb_create_log_file scope \"%s\" → %s", hostile[i],
               nul ? "invalid_request (NUL)" : "one safe component inside build-output/");
        free(path);
        pb_free(reply);
        free(r);
    }

    r = format_text("{\"project_dir\":\"%s\",\"plan_dir_name\":\".plan-alt\",\"system\":\"maven\"}", project);
    expect("pb_create_log_file honours plan_dir_name", pb_create_log_file, r, "\"status\":\"success\"",
           "/.plan-alt/temp/build-output/default/maven-", NULL);
    free(r);

    /* project_dir is a regular file: nothing can be created below it. */
    r = format_text("{\"project_dir\":\"%s/maven.log\",\"system\":\"maven\"}", log_dir);
    expect("pb_create_log_file project_dir is a file → log_file_failed", pb_create_log_file, r,
           "\"status\":\"error\"", "\"error\":\"log_file_failed\"", "\"message\":\"", NULL);
    free(r);
}

static void test_parse(void) {
    char *r;
    r = format_text("{\"log_file\":\"%s/maven.log\",\"system\":\"maven\"}", log_dir);
    expect("pb_parse maven log → FAILURE with issues and tests", pb_parse, r, "\"status\":\"success\"",
           "\"build_status\":\"FAILURE\"", "\"issues\":[", "cannot find symbol", "Foo.java", "\"severity\":\"error\"",
           "\"tests\":{", "\"total\":5", NULL);
    free(r);

    /* The Python parser on the real mixed log of the corpus (mypy + ruff + pytest in one verify
     * run); the test runs from the repository root (scripts/test-c-abi). */
    expect("pb_parse python verify log → type, lint and test errors with counts", pb_parse,
           "{\"log_file\":\"Tests/Fixtures/logs/python/verify.log\",\"system\":\"python\"}",
           "\"status\":\"success\"", "\"build_status\":\"FAILURE\"", "\"category\":\"type_error\"",
           "\"category\":\"lint_error\"", "\"category\":\"test_failure\"", "tests/test_ops.py",
           "\"failed\":3", "\"total\":6", NULL);
    r = format_text("{\"log_file\":\"%s/hostile.log\",\"system\":\"python\"}", log_dir);
    expect("pb_parse python on a log with invalid UTF-8 and a 1 MiB line", pb_parse, r, "\"status\":\"success\"", NULL);
    free(r);

    r = format_text("{\"log_file\":\"%s/success.log\",\"parser\":\"maven\"}", log_dir);
    expect("pb_parse \"parser\" synonym, success log → SUCCESS, tests null", pb_parse, r, "\"status\":\"success\"",
           "\"build_status\":\"SUCCESS\"", "\"tests\":null", NULL);
    free(r);

    r = format_text("{\"log_file\":\"%s/no-outcome.log\",\"system\":\"maven\"}", log_dir);
    expect("pb_parse log without an outcome → build_status null", pb_parse, r, "\"status\":\"success\"",
           "\"build_status\":null", NULL);
    free(r);

    r = format_text("{\"log_file\":\"%s/hostile.log\",\"system\":\"maven\"}", log_dir);
    expect("pb_parse log with invalid UTF-8 and a 1 MiB line", pb_parse, r, "\"status\":\"success\"",
           "\"build_status\":\"FAILURE\"", "bad bytes", NULL);
    free(r);

    r = format_text("{\"log_file\":\"%s/missing.log\",\"system\":\"maven\"}", log_dir);
    expect("pb_parse missing file → not_found", pb_parse, r, "\"status\":\"error\"", "\"error\":\"not_found\"", NULL);
    free(r);

    r = format_text("{\"log_file\":\"%s\",\"system\":\"maven\"}", log_dir);
    expect("pb_parse directory → is_directory", pb_parse, r, "\"status\":\"error\"", "\"error\":\"is_directory\"", NULL);
    free(r);

    r = format_text("{\"log_file\":\"%s/maven.log/child.log\",\"system\":\"maven\"}", log_dir);
    expect("pb_parse path below a file → not_found or unreadable", pb_parse, r, "\"status\":\"error\"",
           "\"error\":\"not_found\"||\"error\":\"unreadable\"", NULL);
    free(r);

    if (geteuid() != 0) {
        char path[600];
        snprintf(path, sizeof path, "%s/locked.log", log_dir);
        write_file(path, "[INFO] BUILD SUCCESS\n", 0000);
        r = format_text("{\"log_file\":\"%s\",\"system\":\"maven\"}", path);
        expect("pb_parse unreadable file → unreadable", pb_parse, r, "\"status\":\"error\"", "\"error\":\"unreadable\"", NULL);
        free(r);
    } else {
        printf("# skipped: pb_parse unreadable file (running as root, mode 000 is readable)\n");
    }
}

static const char *WARNINGS =
    "[{\"file\":\"A.java\",\"line\":1,\"message\":\"[deprecation] foo() is deprecated\",\"severity\":\"warning\",\"category\":\"deprecation_warning\"},"
    "{\"file\":null,\"line\":null,\"message\":\"unchecked cast to List\",\"severity\":\"warning\",\"category\":\"unchecked_warning\"},"
    "{\"file\":\"B.java\",\"line\":7,\"message\":\"something else entirely\",\"severity\":\"warning\",\"category\":\"other\"}]";

static void test_filter_warnings(void) {
    char *r;
    r = format_text("{\"warnings\":%s,\"patterns\":[\"^\\\\[deprecation\\\\]\",\"UNCHECKED\",\"^([\"]}", WARNINGS);
    char *reply = expect_keep("pb_filter_warnings actionable drops accepted, reports invalid pattern", pb_filter_warnings, r,
                              "\"status\":\"success\"", "something else entirely", "\"invalid_patterns\":[\"^([\"]",
                              "\"patterns\":[", NULL);
    report(reply && !strstr(reply, "foo() is deprecated") && !strstr(reply, "unchecked cast"), reply,
           "pb_filter_warnings actionable removed the two accepted warnings");
    pb_free(reply);
    free(r);

    r = format_text("{\"warnings\":%s,\"mode\":\"structured\",\"patterns\":[\"^\\\\[deprecation\\\\]\"]}", WARNINGS);
    expect("pb_filter_warnings structured keeps all and marks accepted", pb_filter_warnings, r,
           "\"status\":\"success\"", "foo() is deprecated", "unchecked cast", "\"accepted\":true", "\"accepted\":false", NULL);
    free(r);

    r = format_text("{\"warnings\":%s,\"mode\":\"errors\",\"patterns\":[]}", WARNINGS);
    expect("pb_filter_warnings errors mode drops all warnings", pb_filter_warnings, r,
           "{\"status\":\"success\",\"warnings\":[],", NULL);
    free(r);

    r = format_text("{\"warnings\":%s,\"project_dir\":\"%s\",\"system\":\"maven\"}", WARNINGS, project);
    reply = expect_keep("pb_filter_warnings patterns from run-configuration.json (object of lists)", pb_filter_warnings, r,
                        "\"status\":\"success\"", "something else entirely", "UNCHECKED", NULL);
    report(reply && !strstr(reply, "foo() is deprecated") && !strstr(reply, "unchecked cast"), reply,
           "pb_filter_warnings configured patterns removed the accepted warnings");
    pb_free(reply);
    free(r);

    r = format_text("{\"warnings\":%s,\"project_dir\":\"%s\",\"system\":\"maven\"}", WARNINGS, broken_project);
    expect("pb_filter_warnings malformed run-configuration.json → configuration_invalid", pb_filter_warnings, r,
           "\"status\":\"error\"", "\"error\":\"configuration_invalid\"", NULL);
    free(r);
}

static const char *RESULT =
    "{\"status\":\"error\",\"exit_code\":1,\"duration_seconds\":3,\"log_file\":\"/tmp/maven.log\","
    "\"command\":\"./mvnw verify\",\"error\":\"build_failed\","
    "\"errors\":[{\"file\":\"Foo.java\",\"line\":20,\"message\":\"cannot find symbol\",\"category\":\"compilation_error\"}],"
    "\"tests\":{\"passed\":3,\"failed\":1,\"skipped\":1,\"total\":5}}";

static void test_format(void) {
    char *r;
    r = format_text("{\"result\":%s}", RESULT);
    expect("pb_format TOON (default)", pb_format, r, "\"status\":\"success\"",
           "\"text\":\"status\\terror\\nexit_code\\t1\\nduration_seconds\\t3\\n", "errors[1]{file,line,message,category}:",
           "Foo.java\\t20\\tcannot find symbol", "tests:\\n  passed: 3", NULL);
    free(r);

    r = format_text("{\"result\":%s,\"format\":\"json\",\"indent\":2}", RESULT);
    expect("pb_format JSON with indent 2", pb_format, r, "\"status\":\"success\"",
           "\"text\":\"{\\n  \\\"status\\\": \\\"error\\\",\\n  \\\"exit_code\\\": 1", NULL);
    free(r);

    expect("pb_format success result in TOON", pb_format,
           "{\"result\":{\"status\":\"success\",\"exit_code\":0,\"duration_seconds\":1,\"log_file\":\"/l\",\"command\":\"x\"},\"format\":\"toon\"}",
           "\"status\":\"success\"", "status\\tsuccess\\nexit_code\\t0", NULL);

    expect("pb_format values with tab/newline never break TOON lines", pb_format,
           "{\"result\":{\"status\":\"error\",\"exit_code\":1,\"duration_seconds\":1,\"log_file\":\"/l\",\"command\":\"a\\tb\\nc\"}}",
           "\"status\":\"success\"", NULL);
}

static void test_timeouts(void) {
    char *r;
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:never\",\"default\":300}", empty_project);
    expect("pb_timeout_get nothing learned → default, learned null", pb_timeout_get, r,
           "{\"status\":\"success\",\"timeout_seconds\":300,\"learned\":null}", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:never\",\"default\":10}", empty_project);
    expect("pb_timeout_get default below the minimum → 120", pb_timeout_get, r,
           "{\"status\":\"success\",\"timeout_seconds\":120,\"learned\":null}", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:verify@core\",\"duration\":45}", empty_project);
    expect("pb_timeout_set first time → 45, initial", pb_timeout_set, r,
           "{\"status\":\"success\",\"timeout_seconds\":45,\"source\":\"initial\"}", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:verify@core\",\"duration\":50,\"timed_out\":false}", empty_project);
    expect("pb_timeout_set 45 then 50 → 49, computed", pb_timeout_set, r,
           "{\"status\":\"success\",\"timeout_seconds\":49,\"previous_seconds\":45,\"source\":\"computed\"}", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:verify@core\",\"default\":300}", empty_project);
    expect("pb_timeout_get learned 49 → max(120, 61) = 120", pb_timeout_get, r,
           "{\"status\":\"success\",\"timeout_seconds\":120,\"learned\":49}", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:verify@core\",\"duration\":200,\"timed_out\":true}", empty_project);
    expect("pb_timeout_set timed_out stores the duration as is", pb_timeout_set, r,
           "{\"status\":\"success\",\"timeout_seconds\":200,\"previous_seconds\":49,\"source\":\"computed\"}", NULL);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:verify@other\",\"fallback_key\":\"maven:verify@core\",\"default\":300}", empty_project);
    expect("pb_timeout_get fallback_key → int(200 × 1.25) = 250", pb_timeout_get, r,
           "{\"status\":\"success\",\"timeout_seconds\":250,\"learned\":200}", NULL);
    free(r);

    expect("pb_query weighted_timeout is arithmetic only", pb_query,
           "{\"what\":\"weighted_timeout\",\"existing\":45,\"duration\":50}", "{\"status\":\"success\",\"timeout_seconds\":49", NULL);
    expect("pb_query weighted_timeout with existing null", pb_query,
           "{\"what\":\"weighted_timeout\",\"existing\":null,\"duration\":50}", "{\"status\":\"success\",\"timeout_seconds\":50", NULL);
    expect("pb_timeout_set without command_key → invalid_request naming it", pb_timeout_set,
           "{\"existing\":45,\"duration\":50}", INVALID, "command_key", NULL);

    /* Malformed run-configuration.json: an error, and the file is not overwritten. */
    char path[600];
    snprintf(path, sizeof path, "%s/.plan/run-configuration.json", broken_project);
    char *before = read_file(path);
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:verify\",\"default\":300}", broken_project);
    expect("pb_timeout_get malformed run-configuration.json → configuration_invalid", pb_timeout_get, r,
           "\"status\":\"error\"", "\"error\":\"configuration_invalid\"", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:verify\",\"duration\":10}", broken_project);
    expect("pb_timeout_set malformed run-configuration.json → configuration_invalid", pb_timeout_set, r,
           "\"status\":\"error\"", "\"error\":\"configuration_invalid\"", NULL);
    free(r);
    char *after = read_file(path);
    report(before && after && strcmp(before, after) == 0, after, "pb_timeout_set leaves a malformed file untouched");
    free(before);
    free(after);

    /* Keys the library does not own survive a write. */
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:abi-keep\",\"duration\":7}", project);
    expect("pb_timeout_set in a project with foreign keys", pb_timeout_set, r, "\"status\":\"success\"", NULL);
    free(r);
    snprintf(path, sizeof path, "%s/.plan/run-configuration.json", project);
    after = read_file(path);
    report(after && strstr(after, "owner_note") && strstr(after, "acceptable_warnings") && strstr(after, "maven:abi-keep"),
           after, "run-configuration.json keeps keys it does not own");
    free(after);
}

/* Progress events of one pb_run, checked as they arrive (on the thread that called pb_run). */
struct events {
    pthread_t caller;
    int count, invalid, wrong_thread, started, finished, build_started, build_finished;
    int first_is_run_started, last_is_run_finished;
    atomic_llong handle;
    char first_invalid[300];
};

static void on_event(const char *event, void *context) {
    struct events *e = context;
    if (!pthread_equal(pthread_self(), e->caller)) e->wrong_thread++;
    if (object_problem(event) != NULL || strstr(event, "{\"event\":\"") != event) {
        if (e->invalid++ == 0) snprintf(e->first_invalid, sizeof e->first_invalid, "%s", event ? event : "(NULL)");
        return;
    }
    int is_run_started = strncmp(event, "{\"event\":\"run_started\"", 22) == 0;
    if (e->count == 0) e->first_is_run_started = is_run_started;
    e->count++;
    e->last_is_run_finished = strncmp(event, "{\"event\":\"run_finished\"", 23) == 0;
    if (is_run_started) {
        e->started++;
        const char *h = strstr(event, "\"handle\":");
        if (h) atomic_store(&e->handle, atoll(h + 9));
    }
    if (e->last_is_run_finished) e->finished++;
    if (strncmp(event, "{\"event\":\"build_started\"", 24) == 0) e->build_started++;
    if (strncmp(event, "{\"event\":\"build_finished\"", 25) == 0) e->build_finished++;
}

static char *run_with_events(const char *request, struct events *e) {
    memset(e, 0, sizeof *e);
    e->caller = pthread_self();
    return pb_run(request, on_event, e);
}

static void check_events(const char *label, const struct events *e, int builds) {
    report(e->invalid == 0 && e->wrong_thread == 0, e->first_invalid,
           "%s: %d progress events, all JSON objects with \"event\", on the calling thread", label, e->count);
    report(e->first_is_run_started && e->last_is_run_finished && e->started == 1 && e->finished == 1, NULL,
           "%s: run_started first (with a handle), run_finished last", label);
    report(e->build_started == builds && e->build_finished == builds, NULL,
           "%s: %d build_started and %d build_finished events (expected %d)", label, e->build_started,
           e->build_finished, builds);
}

struct cancel_run { char *request; char *reply; struct events events; };

static void *cancel_run_thread(void *argument) {
    struct cancel_run *run = argument;
    run->reply = run_with_events(run->request, &run->events);
    return NULL;
}

/* "progress": "lines": the callback receives display lines, never JSON and never a line break. */
struct lines { int count, json, breaks, started_core; };

static void on_line(const char *line, void *context) {
    struct lines *l = context;
    l->count++;
    if (line[0] == '{') l->json++;
    if (strpbrk(line, "\r\n\t")) l->breaks++;
    if (strcmp(line, "started  core") == 0) l->started_core++;
}

static void test_run_progress_lines(void) {
    struct lines l = {0};
    char *r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"modules\":[\"core\"],\"learn\":false,"
                          "\"progress\":\"lines\"}", project);
    char *reply = pb_run(r, on_line, &l);
    report(reply_problem(reply) == NULL && strstr(reply, "{\"status\":\"success\"") == reply && l.count >= 3 &&
           l.json == 0 && l.breaks == 0 && l.started_core == 1, reply,
           "pb_run \"progress\":\"lines\" → %d display lines (started, finished, summaries), no JSON", l.count);
    pb_free(reply);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"progress\":\"xml\"}", project);
    reply = pb_run(r, on_line, &l);
    report(reply && strstr(reply, "\"error\":\"invalid_request\"") && strstr(reply, "progress"), reply,
           "pb_run \"progress\":\"xml\" → invalid_request naming \"progress\"");
    pb_free(reply);
    free(r);
}

/* "dry_run": the plan of the next run, with no event, no build and no log. */
static void test_run_dry_run(void) {
    char *r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"dry_run\":true,\"format\":\"toon\"}", project);
    int before = atomic_load(&garbage_events);
    char *reply = pb_run_counting(r);
    report(reply_problem(reply) == NULL && strstr(reply, "{\"status\":\"success\",\"dry_run\":true") == reply && strstr(reply, "\"module\":\"core\",\"action\":") &&
           strstr(reply, "\"text\":\"dry_run\\ttrue") && atomic_load(&garbage_events) == before, reply,
           "pb_run \"dry_run\":true → the plan (every module's action), its text, no event");
    pb_free(reply);
    free(r);
}

static void test_run_and_cancel(void) {
    struct events e;
    char *r, *reply;

    /* Default modules: every module with "verify" except the root aggregator → core and web. */
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"jobs\":2,\"learn\":false}", project);
    reply = run_with_events(r, &e);
    {
        const char *problem = reply_problem(reply);
        report(problem == NULL && strstr(reply, "\"command\":\"verify\"") && strstr(reply, "\"total\":2") &&
               strstr(reply, "\"succeeded\":1") && strstr(reply, "\"failed\":1") &&
               (strstr(reply, "{\"status\":\"partial\"") == reply || strstr(reply, "{\"status\":\"failure\"") == reply) &&
               strstr(reply, "\"module\":\"core\"") && strstr(reply, "\"module\":\"web\"") &&
               strstr(reply, "\"status\":\"error\"") && strstr(reply, "\"builds\":[") && strstr(reply, "\"stats\":{"),
               reply, "pb_run verify (core succeeds, web fails) → partial/failure report with 2 builds");
        check_events("pb_run verify", &e, 2);
        char handle_text[64];
        snprintf(handle_text, sizeof handle_text, "\"handle\":%lld", (long long)atomic_load(&e.handle));
        report(atomic_load(&e.handle) > 0 && reply && strstr(reply, handle_text), reply,
               "pb_run reply carries the handle of its run_started event");
        report(pb_cancel(atomic_load(&e.handle)) == 0, NULL, "pb_cancel of a finished run → 0");
    }
    pb_free(reply);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"modules\":[\"core\"],\"sequential\":true,"
                    "\"stop_on_failure\":true,\"timeout\":60,\"mode\":\"structured\",\"format\":\"toon\"}", project);
    reply = run_with_events(r, &e);
    report(reply_problem(reply) == NULL && strstr(reply, "{\"status\":\"success\"") == reply &&
           strstr(reply, "\"total\":1") && strstr(reply, "\"text\":\""), reply,
           "pb_run modules [core], sequential, format toon → success with text");
    check_events("pb_run core", &e, 1);
    pb_free(reply);
    free(r);

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"modules\":[\"core\"],\"format\":\"json\",\"learn\":false}", project);
    reply = pb_run(r, NULL, NULL);
    report(reply_problem(reply) == NULL && strstr(reply, "{\"status\":\"success\"") == reply, reply,
           "pb_run(request, NULL, NULL) → success");
    pb_free(reply);
    free(r);

    /* Errors, all before anything runs: no progress event at all. */
    struct { const char *label; const char *dir; const char *body; const char *kind; } errors[] = {
        {"unknown module", project, "\"command\":\"verify\",\"modules\":[\"core\",\"nope\"]", "unknown_module"},
        {"no module has the command", project, "\"command\":\"benchmark\"", "no_builds"},
        {"no derived-data.json", empty_project, "\"command\":\"verify\"", "architecture_missing"},
        {"broken derived-data.json", broken_project, "\"command\":\"verify\"", "architecture_invalid"},
        {"dependency cycle", cyclic_project, "\"command\":\"verify\"", "dependency_cycle"},
    };
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        r = format_text("{\"project_dir\":\"%s\",%s}", errors[i].dir, errors[i].body);
        reply = run_with_events(r, &e);
        char needle[80];
        snprintf(needle, sizeof needle, "\"error\":\"%s\"", errors[i].kind);
        report(reply_problem(reply) == NULL && strstr(reply, "{\"status\":\"error\"") == reply && strstr(reply, needle) &&
               strstr(reply, "\"message\":\""), reply, "pb_run %s → %s", errors[i].label, errors[i].kind);
        report(e.count == 0 && e.invalid == 0, NULL, "pb_run %s: no progress event (%d)", errors[i].label, e.count);
        pb_free(reply);
        free(r);
    }

    /* Cancellation of a run in flight, from another thread. */
    report(pb_cancel(0) == 0 && pb_cancel(-1) == 0 && pb_cancel(LLONG_MAX) == 0 && pb_cancel(LLONG_MIN) == 0 &&
           pb_cancel(987654321) == 0, NULL, "pb_cancel of unknown handles (0, -1, LLONG_MAX, LLONG_MIN, 987654321) → 0");
    take_sleep_pid();
    struct cancel_run run = {0};
    run.request = format_text("{\"project_dir\":\"%s\",\"command\":\"integration-tests\",\"learn\":false}", project);
    pthread_t thread;
    if (pthread_create(&thread, NULL, cancel_run_thread, &run) != 0) { perror("pthread_create"); exit(2); }
    pid_t sleeper = 0;
    char pid_path[600];
    snprintf(pid_path, sizeof pid_path, "%s/sleep.pid", project);
    for (int i = 0; i < 600; i++) { /* up to 30 s: valgrind is slow to start the build */
        struct stat st;
        if (atomic_load(&run.events.handle) > 0 && stat(pid_path, &st) == 0 && st.st_size > 0) break;
        usleep(50000);
    }
    usleep(100000);
    sleeper = take_sleep_pid();
    long long handle = atomic_load(&run.events.handle);
    int cancelled = pb_cancel(handle);
    pthread_join(thread, NULL);
    report(cancelled == 1, NULL, "pb_cancel of the run in flight (handle %lld, build pid %d) → 1", handle, (int)sleeper);
    report(reply_problem(run.reply) == NULL && strstr(run.reply, "\"cancelled\":1") &&
           strstr(run.reply, "\"status\":\"cancelled\""), run.reply,
           "pb_run returns after pb_cancel with the build \"cancelled\"");
    report(process_gone(sleeper, 3.0), NULL, "pb_cancel killed the build's whole process group (grandchild %d gone)", (int)sleeper);
    report(pb_cancel(handle) == 0, NULL, "pb_cancel again after pb_run returned → 0");
    pb_free(run.reply);
    free(run.request);
}

/* Waits until the fake mvnw's sleeper wrote its pid (up to 30 s), then takes it. */
static pid_t wait_sleep_pid(void) {
    char pid_path[600];
    snprintf(pid_path, sizeof pid_path, "%s/sleep.pid", project);
    for (int i = 0; i < 600; i++) {
        struct stat st;
        if (stat(pid_path, &st) == 0 && st.st_size > 0) break;
        usleep(50000);
    }
    usleep(100000);
    return take_sleep_pid();
}

/* pb_execute_start / pb_run_start: a handle at once, no callback needed, cancellable, pb_wait once. */
static void test_start_and_wait(void) {
    char *r, *reply;
    take_sleep_pid();
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"sleep\",\"timeout\":120,"
                    "\"grace_ms\":200,\"learn\":false}", project);
    long long handle = pb_execute_start(r);
    free(r); /* the request is read before pb_execute_start returns */
    pid_t sleeper = wait_sleep_pid();
    report(handle > 0, NULL, "pb_execute_start → handle %lld > 0", handle);
    report(pb_cancel(handle) == 1, NULL, "pb_cancel of a started build in flight → 1");
    reply = pb_wait(handle);
    report(reply_problem(reply) == NULL && strstr(reply, "{\"status\":\"error\"") == reply, reply,
           "pb_wait after pb_cancel → the build's result, status error");
    report(process_gone(sleeper, 3.0), NULL, "pb_cancel killed the started build's process group (grandchild %d gone)", (int)sleeper);
    pb_free(reply);
    report(pb_cancel(handle) == 0, NULL, "pb_cancel after pb_wait → 0");
    reply = pb_wait(handle);
    report(reply && strstr(reply, INVALID) && strstr(reply, "handle"), reply, "pb_wait twice → invalid_request");
    pb_free(reply);

    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify -pl core\",\"learn\":false}", project);
    handle = pb_execute_start(r);
    free(r);
    reply = pb_wait(handle);
    report(reply_problem(reply) == NULL && strstr(reply, "{\"status\":\"success\",\"exit_code\":0") == reply, reply,
           "pb_execute_start + pb_wait → the same result as pb_execute");
    pb_free(reply);

    take_sleep_pid();
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"integration-tests\",\"learn\":false}", project);
    handle = pb_run_start(r, NULL, NULL);
    free(r);
    sleeper = wait_sleep_pid();
    report(handle > 0 && pb_cancel(handle) == 1, NULL, "pb_run_start without a callback → handle %lld, pb_cancel → 1", handle);
    reply = pb_wait(handle);
    char handle_text[64];
    snprintf(handle_text, sizeof handle_text, "\"handle\":%lld", handle);
    report(reply_problem(reply) == NULL && strstr(reply, "\"cancelled\":1") && strstr(reply, handle_text), reply,
           "pb_wait of a cancelled pb_run_start → report with the build cancelled and the handle");
    report(process_gone(sleeper, 3.0), NULL, "pb_cancel of pb_run_start killed the build (grandchild %d gone)", (int)sleeper);
    pb_free(reply);

    reply = pb_wait(pb_execute_start("{\"system\":\"maven\"}"));
    report(reply && strstr(reply, INVALID) && strstr(reply, "args"), reply, "pb_execute_start invalid request → pb_wait answers invalid_request");
    pb_free(reply);
    reply = pb_wait(987654321);
    report(reply && strstr(reply, INVALID), reply, "pb_wait of an unknown handle → invalid_request");
    pb_free(reply);
}

/* pb_detach: a build in this process cannot outlive its caller's wait, so it is cancelled; the
 * execution mode is checked like every member; "server" without planbuild-cli beside the library
 * (this test's copy of it) says so instead of starting anything. */
static void test_detach_and_execution_mode(void) {
    char *r, *reply;
    take_sleep_pid();
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"sleep\",\"timeout\":120,"
                    "\"grace_ms\":200,\"learn\":false,\"execution_mode\":\"in_process\"}", project);
    long long handle = pb_execute_start(r);
    free(r);
    pid_t sleeper = wait_sleep_pid();
    report(pb_detach(handle) == 1, NULL, "pb_detach of a build in flight in this process → 1");
    reply = pb_wait(handle);
    report(reply_problem(reply) == NULL && strstr(reply, "\"error\":\"cancelled\""), reply,
           "pb_wait after pb_detach of an in-process build → its cancelled result");
    report(process_gone(sleeper, 3.0), NULL, "pb_detach ended the in-process build's tree (grandchild %d gone)", (int)sleeper);
    pb_free(reply);
    report(pb_detach(handle) == 0 && pb_detach(987654321) == 0, NULL, "pb_detach of a finished or unknown handle → 0");

    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify -pl core\",\"learn\":false,"
                    "\"execution_mode\":\"nowhere\"}", project);
    reply = pb_execute(r);
    report(reply && strstr(reply, INVALID) && strstr(reply, "execution_mode"), reply, "pb_execute with an unknown execution_mode → invalid_request");
    pb_free(reply);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"execution_mode\":5}", project);
    reply = pb_run(r, NULL, NULL);
    report(reply && strstr(reply, INVALID) && strstr(reply, "execution_mode"), reply, "pb_run with a number as execution_mode → invalid_request");
    pb_free(reply);
    free(r);
    if (getenv("PLANBUILD_CLI") == NULL) {
        r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify -pl core\",\"learn\":false,"
                        "\"execution_mode\":\"server\"}", project);
        reply = pb_execute(r);
        report(reply && strstr(reply, "\"error\":\"server_unavailable\"") && strstr(reply, "PLANBUILD_CLI"), reply,
               "execution_mode server without planbuild-cli beside the library → server_unavailable naming PLANBUILD_CLI");
        pb_free(reply);
        free(r);
    }
}

/* pb_script: a script's whole command line — output, exit code, help, usage errors — in both
 * generations; pb_script_start is cancellable like pb_execute_start. */
static void test_scripts(void) {
    char *r = format_text("{\"script\":\"maven\",\"argv\":[\"run\",\"--commandArgs\",\"verify -pl core\",\"--project-dir\",\"%s\"]}", project);
    expect("pb_script maven run (the contract's) → tab TOON, exit 0", pb_script, r, "{\"status\":\"success\",\"generation\":\"spec\"",
           "\"stdout\":\"status\\tsuccess\\n", "\"stderr\":\"[EXEC] ./mvnw verify -pl core\\n\"", "\"exit_code\":0",
           "\"data\":{\"status\":\"success\"", NULL);
    free(r);
    r = format_text("{\"script\":\"maven.py\",\"generation\":\"today\",\"argv\":[\"run\",\"--command-args\",\"fail\","
                    "\"--project-dir\",\"%s\"]}", project);
    expect("pb_script maven run (today's), a failed build → key: value TOON, exit 0", pb_script, r, "\"generation\":\"today\"",
           "\"stdout\":\"status: error\\nexit_code: 1\\n", "\"exit_code\":0", NULL);
    free(r);
    expect("pb_script --help → usage on stdout, exit 0", pb_script, "{\"script\":\"run_config\",\"argv\":[\"timeout\",\"get\",\"-h\"]}",
           "\"stdout\":\"usage: run_config.py timeout get [-h] --command COMMAND --default DEFAULT", "\"exit_code\":0", NULL);
    expect("pb_script bad command line → argparse's two lines, exit 2", pb_script, "{\"script\":\"gradle\",\"argv\":[\"parse\"]}",
           "\"stderr\":\"usage: gradle.py parse [-h] --log FILE", "gradle.py: error: the following arguments are required: --log\\n\"",
           "\"exit_code\":2", NULL);
    expect("pb_script parse_only → the values, nothing run", pb_script,
           "{\"script\":\"orchestrate\",\"parse_only\":true,\"argv\":[\"run\",\"--command\",\"verify\",\"--module\",\"a\",\"--module\",\"b\"]}",
           "\"data\":{\"command\":[\"run\"],\"values\":{\"command\":\"verify\",\"modules\":[\"a\",\"b\"]}}", NULL);
    expect("pb_script unknown script → invalid_request", pb_script, "{\"script\":\"deploy\"}", INVALID, "known:", NULL);
    expect("pb_script unknown generation → invalid_request", pb_script, "{\"script\":\"maven\",\"generation\":\"next\"}", INVALID, NULL);

    take_sleep_pid();
    r = format_text("{\"script\":\"maven\",\"argv\":[\"run\",\"--commandArgs\",\"sleep\",\"--project-dir\",\"%s\"]}", project);
    long long handle = pb_script_start(r);
    free(r);
    pid_t sleeper = wait_sleep_pid();
    report(handle > 0 && pb_cancel(handle) == 1, NULL, "pb_script_start → handle %lld, pb_cancel → 1", handle);
    char *reply = pb_wait(handle);
    report(reply_problem(reply) == NULL && strstr(reply, "\"cancelled\":true") && strstr(reply, "\"exit_code\":1"), reply,
           "pb_wait of a cancelled pb_script_start → the cancelled run's output, exit 1, cancelled");
    report(process_gone(sleeper, 3.0), NULL, "pb_cancel of pb_script_start killed the build (grandchild %d gone)", (int)sleeper);
    pb_free(reply);

    /* A script's run takes --execution-mode like pb_execute's member, checked by its options table;
     * pb_detach of an in-process script run cancels it like pb_cancel. */
    r = format_text("{\"script\":\"maven\",\"argv\":[\"run\",\"--commandArgs\",\"verify -pl core\",\"--execution-mode\",\"nowhere\","
                    "\"--project-dir\",\"%s\"]}", project);
    expect("pb_script run --execution-mode nowhere → argparse's usage error, exit 2", pb_script, r,
           "argument --execution-mode: invalid choice: 'nowhere'", "\"exit_code\":2", NULL);
    free(r);
    take_sleep_pid();
    r = format_text("{\"script\":\"maven\",\"argv\":[\"run\",\"--commandArgs\",\"sleep\",\"--execution-mode\",\"in_process\","
                    "\"--project-dir\",\"%s\"]}", project);
    handle = pb_script_start(r);
    free(r);
    sleeper = wait_sleep_pid();
    report(handle > 0 && pb_detach(handle) == 1, NULL, "pb_script_start in process → handle %lld, pb_detach → 1", handle);
    reply = pb_wait(handle);
    report(reply_problem(reply) == NULL && strstr(reply, "\"cancelled\":true") && strstr(reply, "\"exit_code\":1"), reply,
           "pb_wait after pb_detach of an in-process script run → the cancelled run's output, exit 1");
    report(process_gone(sleeper, 3.0), NULL, "pb_detach of an in-process pb_script_start ended the build (grandchild %d gone)", (int)sleeper);
    pb_free(reply);
}

/* pb_query over the project's derived-data.json: what architecture.py prints. */
static void test_queries(void) {
    char *r = format_text("{\"what\":\"modules\",\"project_dir\":\"%s\"}", project);
    expect("pb_query modules → names and text", pb_query, r, "\"status\":\"success\"", "\"modules\":[",
           "\"core\"", "\"text\":\"modules[", NULL);
    free(r);
    r = format_text("{\"what\":\"modules\",\"command\":\"integration-tests\",\"project_dir\":\"%s\"}", project);
    expect("pb_query modules with a command", pb_query, r, "\"status\":\"success\"", "\"text\":\"command: integration-tests", NULL);
    free(r);
    r = format_text("{\"what\":\"commands\",\"module\":\"core\",\"project_dir\":\"%s\"}", project);
    expect("pb_query commands of core", pb_query, r, "\"status\":\"success\"", "\"module\":\"core\"",
           "{\"name\":\"verify\"", "\"text\":\"module: core", NULL);
    free(r);
    r = format_text("{\"what\":\"module\",\"module\":\"nope\",\"project_dir\":\"%s\"}", project);
    expect("pb_query module of an unknown module → unknown_module", pb_query, r, "\"status\":\"error\"",
           "\"error\":\"unknown_module\"", NULL);
    free(r);
    r = format_text("{\"what\":\"module\",\"project_dir\":\"%s\"}", empty_project);
    expect("pb_query module without derived-data.json → architecture_missing", pb_query, r,
           "\"error\":\"architecture_missing\"", NULL);
    free(r);
    expect("pb_query defaults", pb_query, "{\"what\":\"defaults\"}", "{\"status\":\"success\",\"timeout_seconds\":300,"
           "\"run_max_errors\":20,\"run_max_warnings\":10,\"timeout_policy\":{\"minimum_seconds\":120,", NULL);
    r = format_text("{\"what\":\"patterns\",\"system\":\"maven\",\"project_dir\":\"%s\"}", empty_project);
    expect("pb_query patterns without run-configuration.json → none", pb_query, r,
           "{\"status\":\"success\",\"patterns\":[]}", NULL);
    free(r);
}

/* ------------------------------------------------------------------------------------------ */
/* Garbage                                                                                    */


/* Requests every export must refuse with invalid_request. */
static void test_generic_garbage(void) {
    static const struct { const char *label; const char *request; } cases[] = {
        {"empty string", ""},
        {"whitespace only", " \n\t "},
        {"not JSON", "not json"},
        {"truncated object", "{\"command\":"},
        {"lone brace", "}"},
        {"trailing comma", "{\"command\":\"verify\",}"},
        {"single quotes", "{'command':'verify'}"},
        {"text after the object", "{\"command\":\"verify\"} trailing"},
        {"two objects", "{}{}"},
        {"JSON array", "[]"},
        {"JSON array of an object", "[{\"command\":\"verify\",\"log_file\":\"/x\"}]"},
        {"JSON number", "42"},
        {"JSON string", "\"verify\""},
        {"JSON null", "null"},
        {"JSON true", "true"},
        {"invalid UTF-8 bytes", "\xff\xfe\xfd"},
        {"invalid UTF-8 outside strings", "{\"command\":\xc3\x28}"},
        {"overlong UTF-8 outside strings", "\xc0\xaf{}"},
        {"raw control character in a string", "{\"command\":\"ver\x01ify\"}"},
        {"bad escape", "{\"command\":\"\\x41\"}"},
        {"short \\u escape", "{\"command\":\"\\u12\"}"},
        {"NaN literal", "{\"duration\":NaN}"},
        {"leading zero", "{\"duration\":012}"},
        {"bare minus", "{\"duration\":-}"},
        {"NUL in a key", "{\"comm\\u0000and\":1,\"command\":\"\\u0000\",\"log_file\":\"\\u0000\",\"system\":\"\\u0000\",\"result\":7,\"command_key\":\"\\u0000\",\"duration\":\"\\u0000\",\"mode\":\"\\u0000\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t e = 0; e < EXPORT_COUNT; e++) {
            char label[200];
            snprintf(label, sizeof label, "%s %s → invalid_request", EXPORTS[e].name, cases[i].label);
            expect(label, EXPORTS[e].fn, cases[i].request, "\"status\":\"error\"", INVALID, "\"message\":\"", NULL);
        }
    }
    for (size_t e = 0; e < EXPORT_COUNT; e++) {
        char label[200];
        snprintf(label, sizeof label, "%s NULL → invalid_request", EXPORTS[e].name);
        expect(label, EXPORTS[e].fn, NULL, "{\"status\":\"error\"," INVALID ",\"message\":\"", NULL);
    }
}

static char *repeat_text(const char *prefix, char c, size_t count, const char *suffix) {
    size_t a = strlen(prefix), b = strlen(suffix);
    char *text = malloc(a + count + b + 1);
    if (!text) { perror("malloc"); exit(2); }
    memcpy(text, prefix, a);
    memset(text + a, c, count);
    memcpy(text + a + count, suffix, b + 1);
    return text;
}

static void test_deep_nesting(void) {
    /* 100 000 levels: a recursive parser without a cap would overflow the stack. */
    const size_t depth = 100000;
    char *open_only = repeat_text("", '[', depth, "");
    char *closed = malloc(2 * depth + 1);
    memset(closed, '[', depth);
    memset(closed + depth, ']', depth);
    closed[2 * depth] = '\0';
    char *member = malloc(2 * depth + 64);
    {
        size_t n = (size_t)sprintf(member, "{\"command\":");
        memset(member + n, '[', depth); n += depth;
        memset(member + n, ']', depth); n += depth;
        strcpy(member + n, "}");
    }
    char *objects = malloc(6 * depth + 64);
    {
        size_t n = 0;
        for (size_t i = 0; i < depth; i++) { memcpy(objects + n, "{\"a\":", 5); n += 5; }
        objects[n++] = '1';
        memset(objects + n, '}', depth); n += depth;
        objects[n] = '\0';
    }
    /* Just beyond and just within the documented cap (256) inside a member. */
    char *deep_300 = malloc(1024);
    {
        size_t n = (size_t)sprintf(deep_300, "{\"result\":");
        memset(deep_300 + n, '[', 300); n += 300;
        memset(deep_300 + n, ']', 300); n += 300;
        strcpy(deep_300 + n, "}");
    }
    for (size_t e = 0; e < EXPORT_COUNT; e++) {
        char label[200];
        snprintf(label, sizeof label, "%s 100000 unclosed '[' → invalid_request", EXPORTS[e].name);
        expect(label, EXPORTS[e].fn, open_only, INVALID, NULL);
        snprintf(label, sizeof label, "%s 100000 nested arrays → invalid_request", EXPORTS[e].name);
        expect(label, EXPORTS[e].fn, closed, INVALID, NULL);
        snprintf(label, sizeof label, "%s object member of 100000 nested arrays → invalid_request", EXPORTS[e].name);
        expect(label, EXPORTS[e].fn, member, INVALID, NULL);
        snprintf(label, sizeof label, "%s 100000 nested objects → invalid_request", EXPORTS[e].name);
        expect(label, EXPORTS[e].fn, objects, INVALID, NULL);
        snprintf(label, sizeof label, "%s member nested 300 deep → invalid_request", EXPORTS[e].name);
        expect(label, EXPORTS[e].fn, deep_300, INVALID, NULL);
    }
    /* 200 levels inside "result" is valid JSON: pb_format must format it (and not crash). */
    {
        char *deep_ok = malloc(1024);
        size_t n = (size_t)sprintf(deep_ok, "{\"result\":{\"status\":\"success\",\"exit_code\":0,\"duration_seconds\":0,\"log_file\":\"\",\"command\":\"x\",\"extra\":");
        memset(deep_ok + n, '[', 200); n += 200;
        memset(deep_ok + n, ']', 200); n += 200;
        strcpy(deep_ok + n, "},\"format\":\"json\"}");
        expect("pb_format JSON of a result with a member nested 200 deep (within the cap)", pb_format, deep_ok, "\"status\":\"success\"", NULL);
        strcpy(deep_ok + n, "},\"format\":\"toon\"}");
        expect("pb_format TOON of the same result", pb_format, deep_ok, "\"status\":\"success\"", NULL);
        free(deep_ok);
    }
    free(open_only);
    free(closed);
    free(member);
    free(objects);
    free(deep_300);
}

/* Members of the wrong type: invalid_request whose message names the member. */
static void test_wrong_types(void) {
    struct wrong { pb_fn fn; const char *name; const char *request; const char *member; };
    char *p = format_text("\"project_dir\":\"%s\"", project);
    char *requests[128];
    size_t count = 0;
#define W(fn, member, ...) do { requests[count] = format_text(__VA_ARGS__); \
        struct wrong w = {fn, strcmp(#fn, "pb_run_counting") == 0 ? "pb_run" : #fn, requests[count], member}; \
        cases[count++] = w; } while (0)
    struct wrong cases[128];
    W(pb_resolve, "command", "{%s,\"command\":5}", p);
    W(pb_resolve, "command", "{%s}", p);
    W(pb_resolve, "command", "{%s,\"command\":[\"verify\"]}", p);
    W(pb_resolve, "module", "{%s,\"command\":\"verify\",\"module\":{}}", p);
    W(pb_resolve, "project_dir", "{\"project_dir\":true,\"command\":\"verify\"}");
    W(pb_resolve, "plan_dir_name", "{%s,\"plan_dir_name\":1.5,\"command\":\"verify\"}", p);
    W(pb_execute, "system", "{%s,\"system\":5,\"args\":\"verify\"}", p);
    W(pb_execute, "system", "{%s,\"args\":\"verify\"}", p);
    W(pb_execute, "system", "{%s,\"system\":\"ant\",\"args\":\"verify\"}", p);
    W(pb_execute, "args", "{%s,\"system\":\"maven\",\"args\":5}", p);
    W(pb_execute, "args", "{%s,\"system\":\"maven\",\"args\":[\"verify\",5]}", p);
    W(pb_execute, "timeout", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"timeout\":\"x\"}", p);
    W(pb_execute, "timeout", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"timeout\":1.5}", p);
    W(pb_execute, "timeout", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"timeout\":-5}", p);
    W(pb_execute, "timeout", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"timeout\":1e400}", p);
    W(pb_execute, "command_key", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"command_key\":[]}", p);
    W(pb_execute, "mode", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"mode\":\"loud\"}", p);
    W(pb_execute, "parse", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"parse\":\"yes\"}", p);
    W(pb_execute, "max_errors", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"max_errors\":\"20\"}", p);
    W(pb_execute, "max_warnings", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"max_warnings\":-1}", p);
    W(pb_execute, "learn", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"learn\":1}", p);
    W(pb_execute, "grace_ms", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"grace_ms\":\"x\"}", p);
    W(pb_execute, "env", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"env\":[\"A=1\"]}", p);
    W(pb_execute, "env", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"env\":{\"A\":1}}", p);
    W(pb_execute, "env", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"env\":{\"A=B\":\"1\"}}", p);
    W(pb_create_log_file, "system", "{%s,\"system\":5}", p);
    W(pb_create_log_file, "system", "{%s,\"scope\":\"core\"}", p);
    W(pb_create_log_file, "scope", "{%s,\"system\":\"maven\",\"scope\":[\"core\"]}", p);
    W(pb_create_log_file, "project_dir", "{\"project_dir\":5,\"system\":\"maven\"}");
    W(pb_create_log_file, "plan_dir_name", "{%s,\"plan_dir_name\":{},\"system\":\"maven\"}", p);
    W(pb_parse, "log_file", "{\"log_file\":5,\"system\":\"maven\"}");
    W(pb_parse, "log_file", "{\"system\":\"maven\"}");
    W(pb_parse, "system", "{\"log_file\":\"/tmp/x.log\",\"system\":[\"maven\"]}");
    W(pb_parse, "parser", "{\"log_file\":\"/tmp/x.log\",\"parser\":false}");
    W(pb_parse, "cobol", "{\"log_file\":\"/tmp/x.log\",\"system\":\"cobol\"}");
    W(pb_filter_warnings, "warnings", "{\"warnings\":\"x\",\"patterns\":[]}");
    W(pb_filter_warnings, "warnings", "{\"warnings\":[5],\"patterns\":[]}");
    W(pb_filter_warnings, "warnings", "{\"warnings\":[{\"message\":5}],\"patterns\":[]}");
    W(pb_filter_warnings, "patterns", "{\"warnings\":[],\"patterns\":\"^x\"}");
    W(pb_filter_warnings, "patterns", "{\"warnings\":[],\"patterns\":[1]}");
    W(pb_filter_warnings, "mode", "{\"warnings\":[],\"mode\":5}");
    W(pb_filter_warnings, "mode", "{\"warnings\":[],\"mode\":\"everything\"}");
    W(pb_format, "result", "{}");
    W(pb_format, "result", "{\"result\":[]}");
    W(pb_format, "result", "{\"result\":\"status\"}");
    W(pb_format, "format", "{\"result\":{},\"format\":\"xml\"}");
    W(pb_format, "format", "{\"result\":{},\"format\":1}");
    W(pb_format, "indent", "{\"result\":{},\"indent\":\"x\"}");
    W(pb_format, "indent", "{\"result\":{},\"indent\":99}");
    W(pb_timeout_get, "command_key", "{%s,\"command_key\":5}", p);
    W(pb_timeout_get, "command_key", "{%s,\"default\":300}", p);
    W(pb_timeout_get, "default", "{%s,\"command_key\":\"k\",\"default\":\"x\"}", p);
    W(pb_timeout_get, "default", "{%s,\"command_key\":\"k\",\"default\":99999999999999999999999}", p);
    W(pb_timeout_get, "fallback_key", "{%s,\"command_key\":\"k\",\"fallback_key\":{}}", p);
    W(pb_timeout_set, "duration", "{%s,\"command_key\":\"k\",\"duration\":\"x\"}", p);
    W(pb_timeout_set, "duration", "{%s,\"command_key\":\"k\"}", p);
    W(pb_timeout_set, "duration", "{%s,\"command_key\":\"k\",\"duration\":-1}", p);
    W(pb_timeout_set, "duration", "{%s,\"command_key\":\"k\",\"duration\":1e400}", p);
    W(pb_timeout_set, "command_key", "{%s,\"command_key\":5,\"duration\":5}", p);
    W(pb_timeout_set, "timed_out", "{%s,\"command_key\":\"k\",\"duration\":5,\"timed_out\":\"yes\"}", p);
    W(pb_query, "existing", "{\"what\":\"weighted_timeout\",\"existing\":\"45\",\"duration\":50}");
    W(pb_query, "policy", "{\"what\":\"weighted_timeout\",\"existing\":45,\"duration\":50,\"policy\":[]}");
    W(pb_query, "duration", "{\"what\":\"weighted_timeout\",\"existing\":45}");
    W(pb_query, "what", "{\"existing\":45,\"duration\":50}");
    W(pb_query, "what", "{\"what\":5}");
    W(pb_query, "what", "{\"what\":\"everything\"}");
    W(pb_query, "system", "{%s,\"what\":\"patterns\"}", p);
    W(pb_query, "system", "{%s,\"what\":\"wrapper\",\"system\":7}", p);
    W(pb_query, "command", "{%s,\"what\":\"modules\",\"command\":[]}", p);
    W(pb_query, "module", "{%s,\"what\":\"module\",\"module\":{}}", p);
    W(pb_query, "project_dir", "{\"what\":\"modules\",\"project_dir\":1}");
    W(pb_filter_warnings, "warnings", "{\"x\":1}");
    W(pb_filter_warnings, "project_dir", "{\"warnings\":[],\"project_dir\":123}");
    W(pb_parse, "system", "{\"log_file\":\"/tmp/x.log\"}");
    W(pb_execute, "args", "{%s,\"system\":\"maven\"}", p);
    W(pb_execute, "env", "{%s,\"system\":\"maven\",\"args\":\"verify\",\"env\":\"A='unclosed\"}", p);
    W(pb_timeout_set, "format", "{%s,\"command_key\":\"k\",\"duration\":5,\"format\":\"json\"}", p);
    W(pb_run_counting, "command", "{%s,\"command\":5}", p);
    W(pb_run_counting, "command", "{%s}", p);
    W(pb_run_counting, "modules", "{%s,\"command\":\"verify\",\"modules\":\"core\"}", p);
    W(pb_run_counting, "modules", "{%s,\"command\":\"verify\",\"modules\":[1]}", p);
    W(pb_run_counting, "jobs", "{%s,\"command\":\"verify\",\"jobs\":\"2\"}", p);
    W(pb_run_counting, "jobs", "{%s,\"command\":\"verify\",\"jobs\":-1}", p);
    W(pb_run_counting, "sequential", "{%s,\"command\":\"verify\",\"sequential\":\"yes\"}", p);
    W(pb_run_counting, "stop_on_failure", "{%s,\"command\":\"verify\",\"stop_on_failure\":1}", p);
    W(pb_run_counting, "timeout", "{%s,\"command\":\"verify\",\"timeout\":\"x\"}", p);
    W(pb_run_counting, "timeout", "{%s,\"command\":\"verify\",\"timeout\":0}", p);
    W(pb_run_counting, "mode", "{%s,\"command\":\"verify\",\"mode\":\"all\"}", p);
    W(pb_run_counting, "learn", "{%s,\"command\":\"verify\",\"learn\":\"no\"}", p);
    W(pb_run_counting, "format", "{%s,\"command\":\"verify\",\"format\":\"xml\"}", p);
    W(pb_run_counting, "project_dir", "{\"project_dir\":[],\"command\":\"verify\"}");
    W(pb_run_counting, "dry_run", "{%s,\"command\":\"verify\",\"dry_run\":\"yes\"}", p);
    W(pb_run_counting, "affected", "{%s,\"command\":\"verify\",\"affected\":1}", p);
    W(pb_run_counting, "base", "{%s,\"command\":\"verify\",\"affected\":true,\"base\":5}", p);
#undef W
    for (size_t i = 0; i < count; i++) {
        char label[400], shown[300];
        /* The label shows the request with the project path abbreviated to $P. */
        const char *at = strstr(cases[i].request, project);
        if (at != NULL)
            snprintf(shown, sizeof shown, "%.*s$P%s", (int)(at - cases[i].request), cases[i].request, at + strlen(project));
        else
            snprintf(shown, sizeof shown, "%s", cases[i].request);
        snprintf(label, sizeof label, "%s %s → invalid_request naming \"%s\"", cases[i].name, shown, cases[i].member);
        expect(label, cases[i].fn, cases[i].request, "\"status\":\"error\"", INVALID, cases[i].member, NULL);
        free(requests[i]);
    }
    free(p);
}

/* Invalid UTF-8 inside strings: the reply must be the documented error (and stay valid UTF-8). */
static void test_invalid_utf8_in_strings(void) {
    char *r;
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"ver\xff\xfeify\",\"module\":\"core\"}", project);
    expect("pb_resolve invalid UTF-8 in \"command\" → unknown_command", pb_resolve, r,
           "\"status\":\"error\"", "\"error\":\"unknown_command\"||" INVALID, NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"module\":\"\xc3\x28\xed\xa0\x80\"}", project);
    expect("pb_resolve invalid UTF-8 / surrogate bytes in \"module\" → unknown_module", pb_resolve, r,
           "\"status\":\"error\"", "\"error\":\"unknown_module\"||" INVALID, NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"mav\xff" "en\",\"args\":\"verify\"}", project);
    expect("pb_execute invalid UTF-8 in \"system\" → invalid_request", pb_execute, r, INVALID, NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s/maven.log\",\"system\":\"maven\",\"scope\":\"\xff\xfe\"}", log_dir);
    expect("pb_create_log_file invalid UTF-8 in \"scope\" (project_dir a file) → log_file_failed", pb_create_log_file, r,
           "\"status\":\"error\"", "\"error\":\"log_file_failed\"||" INVALID, NULL);
    free(r);
    r = format_text("{\"log_file\":\"%s/\xff\xfe.log\",\"system\":\"maven\"}", log_dir);
    expect("pb_parse invalid UTF-8 in \"log_file\" → not_found", pb_parse, r,
           "\"status\":\"error\"", "\"error\":\"not_found\"||" INVALID, NULL);
    free(r);
    expect("pb_filter_warnings invalid UTF-8 in \"mode\" → invalid_request", pb_filter_warnings,
           "{\"warnings\":[],\"mode\":\"\xf8\x88\x80\x80\x80\"}", INVALID, NULL);
    expect("pb_format invalid UTF-8 in \"format\" → invalid_request", pb_format,
           "{\"result\":{},\"format\":\"to\xc0\xafon\"}", INVALID, NULL);
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"\xff\",\"default\":300}", broken_project);
    expect("pb_timeout_get invalid UTF-8 in \"command_key\" (malformed config) → configuration_invalid", pb_timeout_get, r,
           "\"status\":\"error\"", "\"error\":\"configuration_invalid\"||" INVALID, NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"\xfe\xff\",\"duration\":5}", broken_project);
    expect("pb_timeout_set invalid UTF-8 in \"command_key\" (malformed config) → configuration_invalid", pb_timeout_set, r,
           "\"status\":\"error\"", "\"error\":\"configuration_invalid\"||" INVALID, NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"modules\":[\"co\xffre\"]}", project);
    expect("pb_run invalid UTF-8 in \"modules\" → unknown_module", pb_run_counting, r,
           "\"status\":\"error\"", "\"error\":\"unknown_module\"||" INVALID, NULL);
    free(r);
    /* Whatever is accepted, the reply echoing the bad bytes must itself be valid UTF-8. */
    expect("pb_format result with invalid UTF-8 text → valid UTF-8 reply", pb_format,
           "{\"result\":{\"status\":\"error\",\"exit_code\":1,\"duration_seconds\":0,\"log_file\":\"\xff\",\"command\":\"\xc3\x28\"},\"format\":\"json\"}",
           "\"status\":", NULL);
    expect("pb_filter_warnings warning with invalid UTF-8 → valid UTF-8 reply", pb_filter_warnings,
           "{\"warnings\":[{\"message\":\"bad \xff\xfe bytes\"}],\"patterns\":[\"\xff\"]}", "\"status\":", NULL);
}

/* The size of the "10 MB" requests: 10 MiB unless PB_ABI_TEST_BIG_BYTES says otherwise (the
 * valgrind pass of scripts/test-c-abi uses less: see there). */
static char big_name[32] = "10 MB";

static size_t big_size(void) {
    const char *text = getenv("PB_ABI_TEST_BIG_BYTES");
    size_t size = 10u * 1024 * 1024;
    if (text && *text) {
        char *end;
        unsigned long long value = strtoull(text, &end, 10);
        if (*end == '\0' && value >= 1024) size = (size_t)value;
    }
    if (size % (1024 * 1024) == 0) snprintf(big_name, sizeof big_name, "%zu MB", size >> 20);
    else snprintf(big_name, sizeof big_name, "%zu KB", size >> 10);
    return size;
}

/* A label with "10 MB" replaced by the size actually used. */
static const char *big_label(const char *text) {
    static char label[300];
    const char *at = strstr(text, "10 MB");
    if (at == NULL) return text;
    snprintf(label, sizeof label, "%.*s%s%s", (int)(at - text), text, big_name, at + 5);
    return label;
}

/* 10 MB: a valid JSON string member, and junk. */
static void test_big_requests(void) {
    const size_t big = big_size();
    char *a = repeat_text("", 'A', big, "");
    char *r;

    r = format_text("{\"project_dir\":\"%s\",\"command\":\"%s\",\"module\":\"core\"}", project, a);
    expect(big_label("pb_resolve 10 MB \"command\" → unknown_command"), pb_resolve, r, "\"status\":\"error\"",
           "\"error\":\"unknown_command\"", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"module\":\"%s\"}", project, a);
    expect(big_label("pb_resolve 10 MB \"module\" → unknown_module"), pb_resolve, r, "\"status\":\"error\"",
           "\"error\":\"unknown_module\"", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"%s\",\"args\":\"verify\"}", project, a);
    expect(big_label("pb_execute 10 MB \"system\" → invalid_request"), pb_execute, r, INVALID, NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify\",\"command_key\":\"k\",\"learn\":false,\"timeout\":\"%s\"}", project, a);
    expect(big_label("pb_execute 10 MB string as \"timeout\" → invalid_request"), pb_execute, r, INVALID, "timeout", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"scope\":\"%s\"}", project, a);
    {
        char *reply = expect_keep(big_label("pb_create_log_file 10 MB \"scope\" → success, one short component"),
                                  pb_create_log_file, r, "\"status\":\"success\"", NULL);
        char *path = reply ? json_string_member(reply, "log_file") : NULL;
        report(inside_build_output(path, project) && strlen(path) < strlen(project) + 300, reply,
               "pb_create_log_file huge scope is cut to one short path component");
        free(path);
        pb_free(reply);
    }
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"%s\"}", project, a);
    expect(big_label("pb_create_log_file 10 MB \"system\" → answered"), pb_create_log_file, r,
           "\"status\":\"success\"||" INVALID, NULL);
    free(r);
    r = format_text("{\"log_file\":\"/%s\",\"system\":\"maven\"}", a);
    expect(big_label("pb_parse 10 MB \"log_file\" → not_found or unreadable"), pb_parse, r, "\"status\":\"error\"",
           "\"error\":\"not_found\"||\"error\":\"unreadable\"", NULL);
    free(r);
    r = format_text("{\"warnings\":[{\"message\":\"%s\"}],\"patterns\":[\"^AAAB\",\"AAAAAAAAAAAAAAAAAAAAAAAB\"]}", a);
    expect(big_label("pb_filter_warnings 10 MB warning message (no pattern matches) → kept"), pb_filter_warnings, r,
           "\"status\":\"success\"", "\"warnings\":[{", NULL);
    free(r);
    r = format_text("{\"warnings\":[],\"mode\":\"%s\"}", a);
    expect(big_label("pb_filter_warnings 10 MB \"mode\" → invalid_request"), pb_filter_warnings, r, INVALID, NULL);
    free(r);
    r = format_text("{\"result\":\"%s\"}", a);
    expect(big_label("pb_format 10 MB string as \"result\" → invalid_request"), pb_format, r, INVALID, "result", NULL);
    free(r);
    r = format_text("{\"result\":{\"status\":\"error\",\"exit_code\":1,\"duration_seconds\":0,\"log_file\":\"/l\",\"command\":\"%s\"},\"format\":\"toon\"}", a);
    expect(big_label("pb_format 10 MB \"command\" inside a result → success"), pb_format, r, "\"status\":\"success\"", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"%s\"}", project, a);
    expect(big_label("pb_run 10 MB \"command\" → no_builds"), pb_run_counting, r, "\"status\":\"error\"",
           "\"error\":\"no_builds\"||\"error\":\"unknown_command\"", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"modules\":[\"%s\"]}", project, a);
    expect(big_label("pb_run 10 MB module name → unknown_module"), pb_run_counting, r, "\"status\":\"error\"",
           "\"error\":\"unknown_module\"", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"k\",\"default\":\"%s\"}", project, a);
    expect(big_label("pb_timeout_get 10 MB string as \"default\" → invalid_request"), pb_timeout_get, r, INVALID, "default", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"%s\",\"default\":300}", empty_project, a);
    expect(big_label("pb_timeout_get 10 MB \"command_key\" → success, nothing learned"), pb_timeout_get, r,
           "{\"status\":\"success\",\"timeout_seconds\":300,\"learned\":null}", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"k\",\"duration\":\"%s\"}", project, a);
    expect(big_label("pb_timeout_set 10 MB string as \"duration\" → invalid_request"), pb_timeout_set, r, INVALID, "duration", NULL);
    free(r);
    r = format_text("{\"project_dir\":\"/%s\",\"command_key\":\"k\",\"duration\":5}", a);
    expect(big_label("pb_timeout_set 10 MB \"project_dir\" → configuration_invalid (cannot write)"), pb_timeout_set, r,
           "\"status\":\"error\"", "\"error\":\"configuration_invalid\"", NULL);
    free(r);
    free(a);

    /* 10 MB of junk: pseudo-random non-NUL bytes, a 10 MB unterminated string, 10 MB of '{'. */
    char *junk = malloc(big + 1);
    uint32_t state = 12345u;
    for (size_t i = 0; i < big; i++) {
        state = state * 1103515245u + 12345u;
        unsigned char c = (unsigned char)(state >> 16);
        junk[i] = (char)(c == 0 ? 1 : c);
    }
    junk[big] = '\0';
    junk[0] = '{';
    char *unterminated = repeat_text("{\"command\":\"", 'x', big, "");
    char *braces = repeat_text("", '{', big, "");
    char *spaces = repeat_text("", ' ', big, "x");
    for (size_t e = 0; e < EXPORT_COUNT; e++) {
        char label[200];
        snprintf(label, sizeof label, "%s %s of random junk → invalid_request", EXPORTS[e].name, big_name);
        expect(label, EXPORTS[e].fn, junk, INVALID, NULL);
        snprintf(label, sizeof label, "%s %s unterminated string → invalid_request", EXPORTS[e].name, big_name);
        expect(label, EXPORTS[e].fn, unterminated, INVALID, NULL);
        snprintf(label, sizeof label, "%s %s of '{' → invalid_request", EXPORTS[e].name, big_name);
        expect(label, EXPORTS[e].fn, braces, INVALID, NULL);
        snprintf(label, sizeof label, "%s %s of spaces then junk → invalid_request", EXPORTS[e].name, big_name);
        expect(label, EXPORTS[e].fn, spaces, INVALID, NULL);
    }
    free(junk);
    free(unterminated);
    free(braces);
    free(spaces);

    /* Larger than 256 MiB: refused before parsing. */
    const char *skip = getenv("PB_ABI_TEST_NO_HUGE");
    if (skip && *skip && strcmp(skip, "0") != 0) {
        printf("# skipped: the 257 MiB request (PB_ABI_TEST_NO_HUGE)\n");
        return;
    }
    size_t huge_size = (257u << 20);
    char *huge = malloc(huge_size + 1);
    if (huge == NULL) {
        printf("# skipped: cannot allocate 257 MiB\n");
        return;
    }
    memset(huge, ' ', huge_size);
    huge[0] = '{';
    memcpy(huge + huge_size - 1, "}", 2);
    for (size_t e = 0; e < EXPORT_COUNT; e++) {
        char label[200];
        snprintf(label, sizeof label, "%s request larger than 256 MiB → invalid_request", EXPORTS[e].name);
        expect(label, EXPORTS[e].fn, huge, "\"status\":\"error\"", INVALID, "larger than", NULL);
    }
    free(huge);
}

/* ------------------------------------------------------------------------------------------ */
/* Threads                                                                                    */

#define THREADS 8
#define ITERATIONS 12

struct worker {
    int index;
    int calls;
    int failures;
    char *first_failure;
    char *log_file;
};

static void *work(void *argument) {
    struct worker *w = argument;
    char *r;
    for (int i = 0; i < ITERATIONS; i++) {
        r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"module\":\"%s\"}", project, (i & 1) ? "core" : "parent");
        w->failures += !quiet(pb_resolve, r, &w->first_failure, "\"status\":\"success\"", "\"command\":\"verify\"", NULL);
        free(r);
        r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:thread-%d-%d\",\"duration\":%d}", project, w->index, i, 100 + i);
        w->failures += !quiet(pb_timeout_set, r, &w->first_failure, "\"status\":\"success\"", "\"source\":\"initial\"", NULL);
        free(r);
        r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:thread-shared\",\"duration\":%d}", project, 10 + w->index);
        w->failures += !quiet(pb_timeout_set, r, &w->first_failure, "\"status\":\"success\"", NULL);
        free(r);
        r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:thread-%d-%d\",\"default\":5}", project, w->index, i);
        char expected[80];
        snprintf(expected, sizeof expected, "\"learned\":%d", 100 + i);
        w->failures += !quiet(pb_timeout_get, r, &w->first_failure, "\"status\":\"success\"", expected, NULL);
        free(r);
        r = format_text("{\"log_file\":\"%s/maven.log\",\"system\":\"maven\"}", log_dir);
        w->failures += !quiet(pb_parse, r, &w->first_failure, "\"build_status\":\"FAILURE\"", "cannot find symbol", NULL);
        free(r);
        r = format_text("{\"warnings\":%s,\"patterns\":[\"^\\\\[deprecation\\\\]\",\"unchecked\"]}", WARNINGS);
        w->failures += !quiet(pb_filter_warnings, r, &w->first_failure, "\"status\":\"success\"", "something else entirely", NULL);
        free(r);
        r = format_text("{\"result\":%s,\"format\":\"%s\"}", RESULT, (i & 1) ? "json" : "toon");
        w->failures += !quiet(pb_format, r, &w->first_failure, "\"status\":\"success\"", "build_failed", NULL);
        free(r);
        w->failures += !quiet(pb_resolve, "[not an object]", &w->first_failure, INVALID, NULL);
        w->failures += !quiet(pb_timeout_set, NULL, &w->first_failure, INVALID, NULL);
        w->calls += 9;
    }
    /* One orchestrated run per thread, all at the same time (RunRegistry, events, handles). */
    {
        struct events e;
        r = format_text("{\"project_dir\":\"%s\",\"command\":\"verify\",\"modules\":[\"core\"],\"learn\":false}", project);
        char *reply = run_with_events(r, &e);
        w->calls++;
        if (reply_problem(reply) != NULL || strstr(reply, "{\"status\":\"success\"") != reply || e.invalid ||
            e.wrong_thread || !e.first_is_run_started || !e.last_is_run_finished || e.build_finished != 1) {
            w->failures++;
            if (w->first_failure == NULL) w->first_failure = strdup(reply ? reply : "(NULL)");
        }
        pb_free(reply);
        free(r);
    }
    /* One real build per thread, all at the same time. */
    r = format_text("{\"project_dir\":\"%s\",\"system\":\"maven\",\"args\":\"verify -pl core\",\"learn\":false,"
                    "\"env\":{\"PB_ABI_MARK\":\"thread-%d\"}}", project, w->index);
    char *reply = pb_execute(r);
    w->calls++;
    if (reply_problem(reply) != NULL || strstr(reply, "{\"status\":\"success\",\"exit_code\":0,") != reply) {
        w->failures++;
        if (w->first_failure == NULL) w->first_failure = strdup(reply ? reply : "(NULL)");
    } else {
        w->log_file = json_string_member(reply, "log_file");
    }
    pb_free(reply);
    free(r);
    return NULL;
}

static void test_threads(void) {
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int t = 0; t < THREADS; t++) {
        workers[t] = (struct worker){.index = t};
        if (pthread_create(&threads[t], NULL, work, &workers[t]) != 0) { perror("pthread_create"); exit(2); }
    }
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    for (int t = 0; t < THREADS; t++) {
        report(workers[t].failures == 0, workers[t].first_failure,
               "thread %d: %d concurrent calls (resolve, timeout_set/get, parse, filter, format, garbage, run, execute) all answered correctly (%d wrong)",
               t, workers[t].calls, workers[t].failures);
        free(workers[t].first_failure);
    }
    /* Distinct log files for concurrent builds, each holding its own thread's output. */
    int distinct = 1, own = 1;
    for (int t = 0; t < THREADS; t++) {
        if (workers[t].log_file == NULL) { distinct = own = 0; continue; }
        for (int u = 0; u < t; u++)
            if (workers[u].log_file && strcmp(workers[t].log_file, workers[u].log_file) == 0) distinct = 0;
        char *text = read_file(workers[t].log_file);
        char mark[64];
        snprintf(mark, sizeof mark, "fake-mvnw mark: thread-%d\n", t);
        if (text == NULL || strstr(text, mark) == NULL || strstr(text, "args: verify -pl core") == NULL) own = 0;
        free(text);
    }
    report(distinct, NULL, "%d concurrent pb_execute builds got %d distinct log files", THREADS, THREADS);
    report(own, NULL, "each concurrent build's log holds only its own thread's output marker");
    for (int t = 0; t < THREADS; t++) free(workers[t].log_file);

    /* No lost update: every key written by every thread is in the file afterwards. */
    int lost = 0;
    for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < ITERATIONS; i++) {
            char *r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:thread-%d-%d\",\"default\":5}", project, t, i);
            char expected[80];
            snprintf(expected, sizeof expected, "\"learned\":%d}", 100 + i);
            char *reply = pb_timeout_get(r);
            if (reply == NULL || strstr(reply, expected) == NULL) lost++;
            pb_free(reply);
            free(r);
        }
    }
    report(lost == 0, NULL, "%d concurrent pb_timeout_set keys all present afterwards (%d lost)", THREADS * ITERATIONS, lost);
    char *r = format_text("{\"project_dir\":\"%s\",\"command_key\":\"maven:thread-shared\",\"default\":5}", project);
    expect("shared key updated concurrently holds a learned value", pb_timeout_get, r, "\"status\":\"success\"", "\"learned\":1", NULL);
    free(r);
    char path[600];
    snprintf(path, sizeof path, "%s/.plan/run-configuration.json", project);
    char *text = read_file(path);
    report(text && strstr(text, "owner_note") && strstr(text, "timeout_policy"), text,
           "run-configuration.json is whole and keeps foreign keys after concurrent writes");
    free(text);
}

/* ------------------------------------------------------------------------------------------ */

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs one group of checks and prints how long it took as a comment line. */
#define SECTION(function) do { double started_ = now_seconds(); function(); \
        printf("# %s: %.1f s\n", #function, now_seconds() - started_); } while (0)

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pb_abi_version() != PB_ABI_VERSION) {
        printf("FAIL 1 - pb_abi_version() == PB_ABI_VERSION (header %d, library %d): refusing to continue\n",
               PB_ABI_VERSION, pb_abi_version());
        printf("0 passed, 1 failed\n");
        return 1;
    }
    make_projects();
    printf("# temporary projects in %s\n", root_dir);
    /* The build server's folder (execution mode auto looks for a server there): the test's own. */
    setenv("XDG_RUNTIME_DIR", root_dir, 1);
    SECTION(test_version_and_free);
    SECTION(test_resolve);
    SECTION(test_execute);
    SECTION(test_create_log_file);
    SECTION(test_parse);
    SECTION(test_filter_warnings);
    SECTION(test_format);
    SECTION(test_timeouts);
    SECTION(test_run_and_cancel);
    SECTION(test_run_progress_lines);
    SECTION(test_run_dry_run);
    SECTION(test_start_and_wait);
    SECTION(test_detach_and_execution_mode);
    SECTION(test_queries);
    SECTION(test_scripts);
    SECTION(test_generic_garbage);
    SECTION(test_deep_nesting);
    SECTION(test_wrong_types);
    SECTION(test_invalid_utf8_in_strings);
    SECTION(test_big_requests);
    report(atomic_load(&garbage_events) == 0, NULL,
           "pb_run delivered no progress event for any invalid request (%d)", atomic_load(&garbage_events));
    SECTION(test_threads);
    remove_projects();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
