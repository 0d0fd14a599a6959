/*
 * aftersales.h: the C ABI of aftersales (C99).
 *
 * The stable surface for hosts written in C and for other languages' foreign-function
 * interfaces (Go, Rust, Java, Node, ...). Everything here is a thin shim over the C++ API.
 *
 * Conventions, for every function below:
 * - A fallible function returns `int`: AFTERSALES_OK (0) or a negative `aftersales_status`.
 *   Check the return code; then, for a human-readable explanation, read the message.
 * - Its last parameter, `char **out_error`, is optional (NULL: not wanted). On failure, when
 *   not NULL, `*out_error` receives a copy of the message, the text aftersales_last_error()
 *   gives, which the caller releases with aftersales_free(); if that copy cannot be allocated it
 *   is NULL (the status still says what failed). On success `*out_error` is set to NULL. The
 *   message travels with the call, not with the thread: a caller that may resume on another
 *   OS thread between two calls (a Go goroutine, an async task) reads its own error, where a
 *   per-thread aftersales_last_error() could already hold another call's. It is GLib's
 *   `GError **` reduced to the message (the status is the return value), where libgit2 keeps
 *   only the thread-local git_error_last(). aftersales_last_error() stays for C callers that
 *   stay on one thread (docs/c-api.md, "Errors").
 * - Results come back through out-parameters (named `out...`, after the inputs and before
 *   `out_error`). On failure a handle or string out-parameter is set to NULL and a numeric one
 *   is left unchanged.
 * - No C++ exception and no crash crosses this boundary: NULL pointers and handles that are not
 *   live objects of the right type are reported as AFTERSALES_EINVALID_ARGUMENT.
 * - Instants are milliseconds since the Unix epoch (UTC) and durations are milliseconds; the
 *   supported instants are 1970-01-01T00:00:00Z to 2200-12-31T23:59:59.999Z.
 * - Strings passed in are UTF-8 and are only read during the call.
 *
 * Ownership: whatever a caller receives through `aftersales_T **out` it owns and releases with
 * aftersales_T_free(). Memory the library hands out otherwise (the JSON texts returned through
 * `char **out...`) is released with aftersales_free(). Strings returned as `const char *` are
 * owned by the library and must not be freed; each function says how long its string stays
 * valid.
 */
#ifndef AFTERSALES_H
#define AFTERSALES_H

#include <aftersales/export.h>
#include <aftersales/version.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------- */
/* Status codes and errors                                                                    */
/* ---------------------------------------------------------------------------------------- */

/**
 * What a fallible function returns. Each negative code corresponds to one kind of
 * aftersales::ErrorCode in the C++ API (plus out-of-memory). Codes are only ever appended:
 * existing values never change meaning.
 */
typedef enum aftersales_status {
  /** Success. */
  AFTERSALES_OK = 0,
  /** The caller broke a precondition: a NULL pointer, a handle that is not a live object of
   *  the expected type, an unknown log level. A bug in the calling code. */
  AFTERSALES_EINVALID_ARGUMENT = -1,
  /** The policy document was rejected; the message lists the problems, one per line. */
  AFTERSALES_EPOLICY = -2,
  /** A run-time input is malformed: a negative duration, an unreadable file. */
  AFTERSALES_EINPUT = -3,
  /** An instant, or a result, lies outside years 1970-2200. */
  AFTERSALES_EOUT_OF_RANGE = -4,
  /** A named thing (a calendar) does not exist; the message names those that do. */
  AFTERSALES_ENOT_FOUND = -5,
  /** A bug in aftersales; please report it with the message. */
  AFTERSALES_EINTERNAL = -6,
  /** Memory could not be allocated. */
  AFTERSALES_ENOMEM = -7
} aftersales_status;

/**
 * The message of the last error on the calling thread: what went wrong, naming the input and
 * what was expected. Never NULL; the empty string when the last fallible call on this thread
 * succeeded (or none was made).
 *
 * For a AFTERSALES_EPOLICY error the message lists the problems found, one per line, each as
 * `path: message` where path is a JSON path such as `calendars.cn.hours.mon[0]`, or
 * `(document)` for a problem with the document as a whole, such as malformed JSON. Messages
 * are bounded: at most 100 problems are listed, then a line `and N more`, and a name quoted
 * from the input shows at most 64 characters, then "…" (docs/policy.md, "Errors").
 *
 * Ownership: owned by the library; do not free. Valid until the next fallible call on the same
 * thread. The free functions and aftersales_last_error() itself leave it untouched, so cleanup
 * on an error path keeps the message. Thread-safety: each thread has its own last error; a
 * caller that may change OS threads between the call and this one passes `out_error` instead.
 */
AFTERSALES_EXPORT const char *aftersales_last_error(void);

/**
 * Releases memory that the library handed out and documented as "free with aftersales_free".
 * NULL is a harmless no-op. Not for handles: those have their own aftersales_T_free().
 */
AFTERSALES_EXPORT void aftersales_free(void *ptr);

/* ---------------------------------------------------------------------------------------- */
/* Version                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/**
 * The version of the linked library, "MAJOR.MINOR.PATCH". Compare with AFTERSALES_VERSION_STRING
 * to detect a header/library mismatch. Owned by the library, valid forever; do not free.
 */
AFTERSALES_EXPORT const char *aftersales_version(void);

/** The version of the linked library as MAJOR * 10000 + MINOR * 100 + PATCH, the same encoding
 *  as AFTERSALES_VERSION_NUMBER. */
AFTERSALES_EXPORT int aftersales_version_number(void);

/* ---------------------------------------------------------------------------------------- */
/* Instants                                                                                   */
/* ---------------------------------------------------------------------------------------- */

/*
 * Between RFC 3339 text and the epoch milliseconds every other function takes, exactly as the
 * C++ parse_instant() and format_instant() do, so that a host in any language reads and writes
 * instants as the library does (docs/c-api.md, "Instants").
 *
 * Thread-safety: pure functions; call them from any threads.
 */

/**
 * Parses the RFC 3339 instant in `text[0..len)` (need not be NUL-terminated), which must end in
 * `Z` or an offset: "2026-11-11T00:05:00+08:00" gives 1794326700000. Digits of a second past
 * milliseconds are truncated ("...00:05:00.1239Z" is 123 ms past the second); a local time with
 * no offset is an error.
 *
 * @param out_ms receives the instant in epoch milliseconds; unchanged on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the text is not an RFC 3339 instant (the message
 *         quotes it and says what was expected); AFTERSALES_EOUT_OF_RANGE for an instant outside
 *         the supported range (years 1970-2200 UTC); AFTERSALES_EINVALID_ARGUMENT if `text` or
 *         `out_ms` is NULL.
 */
AFTERSALES_EXPORT int aftersales_instant_parse(const char *text, size_t len, int64_t *out_ms, char **out_error);

/**
 * Formats `ms` as RFC 3339 in UTC: 1794326700000 gives "2026-11-10T16:05:00Z", with ".mmm" only
 * when the milliseconds are not zero ("2026-11-10T16:05:00.250Z").
 *
 * @param out_text receives the text, NUL-terminated; the caller releases it with
 *                 aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if `ms` is outside the supported range;
 *         AFTERSALES_EINVALID_ARGUMENT if `out_text` is NULL.
 */
AFTERSALES_EXPORT int aftersales_instant_format(int64_t ms, char **out_text, char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* Policies                                                                                   */
/* ---------------------------------------------------------------------------------------- */

/*
 * A policy document (docs/policy.md): its calendars and its SLA, routing, refund and KPI
 * sections, read once, validated and compiled. Every call below that applies rules takes a
 * policy handle.
 *
 * Thread-safety: immutable; one handle may be used from many threads at once. Only freeing it
 * must not overlap other calls on the same handle.
 */

/** A loaded, validated and compiled policy document. */
typedef struct aftersales_policy aftersales_policy;

/**
 * Parses, validates and compiles the policy document in `json[0..len)` (UTF-8, need not be
 * NUL-terminated; the text is not kept).
 *
 * @param out receives the new policy, owned by the caller: release it with
 *            aftersales_policy_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EPOLICY listing every problem with its JSON path;
 *         AFTERSALES_EINVALID_ARGUMENT if `json` or `out` is NULL.
 */
AFTERSALES_EXPORT int aftersales_policy_load(const char *json, size_t len, aftersales_policy **out,
                                             char **out_error);

/**
 * Reads the policy document in the file at `path` and loads it as aftersales_policy_load().
 *
 * @param out receives the new policy, owned by the caller: release it with
 *            aftersales_policy_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the file cannot be read; AFTERSALES_EPOLICY;
 *         AFTERSALES_EINVALID_ARGUMENT if `path` or `out` is NULL.
 */
AFTERSALES_EXPORT int aftersales_policy_load_file(const char *path, aftersales_policy **out,
                                                  char **out_error);

/**
 * The document `policy` was loaded from, byte for byte (aftersales_policy_load() of it gives the
 * same policy): how a policy travels to another process.
 *
 * @param out_json receives the document, NUL-terminated; free it with aftersales_free(). NULL on
 *                 failure.
 * @return AFTERSALES_OK; AFTERSALES_EINVALID_ARGUMENT for a NULL or dead handle or a NULL out.
 */
AFTERSALES_EXPORT int aftersales_policy_to_json(const aftersales_policy *policy, char **out_json,
                                                char **out_error);

/** Releases a policy. NULL is a harmless no-op, and so (best effort) is a handle that is not a
 *  live policy. Calendars obtained from it stay valid. */
AFTERSALES_EXPORT void aftersales_policy_free(aftersales_policy *policy);

/* ---------------------------------------------------------------------------------------- */
/* Calendars                                                                                  */
/* ---------------------------------------------------------------------------------------- */

/*
 * Business hours (spec §2, docs/calendars.md): whether a calendar is open, when it opens
 * next, and arithmetic in open time. Instants and durations are milliseconds.
 *
 * Thread-safety: immutable; one handle may be used from many threads at once. Only freeing it
 * must not overlap other calls on the same handle.
 */

/**
 * A business-hours calendar of a policy (spec §2). It keeps its own schedule alive: it
 * stays valid after the policy it came from is freed, so the two may be freed in any order.
 */
typedef struct aftersales_calendar aftersales_calendar;

/**
 * Looks up the calendar called `name` (NUL-terminated) in `policy`.
 *
 * @param out receives the calendar, owned by the caller: release it with
 *            aftersales_calendar_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_ENOT_FOUND naming the calendars that exist;
 *         AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or `name` or `out` is
 *         NULL.
 */
AFTERSALES_EXPORT int aftersales_policy_calendar(const aftersales_policy *policy, const char *name,
                                                 aftersales_calendar **out, char **out_error);

/** Releases a calendar. NULL is a harmless no-op, and so (best effort) is a handle that is not
 *  a live calendar. */
AFTERSALES_EXPORT void aftersales_calendar_free(aftersales_calendar *calendar);

/**
 * Whether the calendar is open at `at_ms` (open intervals include their start, not their end).
 *
 * @param out receives 1 if open, 0 if closed.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the supported range;
 *         AFTERSALES_EINVALID_ARGUMENT for a bad handle or a NULL `out`.
 */
AFTERSALES_EXPORT int aftersales_calendar_is_open(const aftersales_calendar *calendar,
                                                  int64_t at_ms, int *out, char **out_error);

/**
 * `at_ms` itself if the calendar is open then, else the start of the next open interval.
 *
 * @param out_ms receives the instant in epoch milliseconds.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the supported range or
 *         the calendar does not open again before 2201 ("no open time left before 2201");
 *         AFTERSALES_EINVALID_ARGUMENT for a bad
 *         handle or a NULL `out_ms`.
 */
AFTERSALES_EXPORT int aftersales_calendar_next_open(const aftersales_calendar *calendar,
                                                    int64_t at_ms, int64_t *out_ms, char **out_error);

/**
 * The earliest instant u >= `at_ms` with exactly `duration_ms` of open time in [at_ms, u).
 * Adding 0 gives `at_ms`; a result that lands on the end of an open interval is that end, not
 * the next opening.
 *
 * @param out_ms receives the instant in epoch milliseconds.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if `duration_ms` is negative;
 *         AFTERSALES_EOUT_OF_RANGE if `at_ms` or the result is outside the supported range;
 *         AFTERSALES_EINVALID_ARGUMENT for a bad handle or a NULL `out_ms`.
 */
AFTERSALES_EXPORT int aftersales_calendar_add(const aftersales_calendar *calendar, int64_t at_ms,
                                              int64_t duration_ms, int64_t *out_ms, char **out_error);

/**
 * The open time in [from_ms, to_ms), in milliseconds; negative when `to_ms` < `from_ms`.
 *
 * @param out_ms receives the duration in milliseconds.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if either instant is outside the supported
 *         range; AFTERSALES_EINVALID_ARGUMENT for a bad handle or a NULL `out_ms`.
 */
AFTERSALES_EXPORT int aftersales_calendar_between(const aftersales_calendar *calendar,
                                                  int64_t from_ms, int64_t to_ms, int64_t *out_ms,
                                                  char **out_error);

/**
 * The latest instant u <= `at_ms` with exactly `duration_ms` of open time in [u, at_ms): add
 * run backwards. Subtracting 0 gives `at_ms`; a result at the edge of a closed gap is the
 * opening after it, not the close before it.
 *
 * @param out_ms receives the instant in epoch milliseconds.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if `duration_ms` is negative;
 *         AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the supported range or the result is
 *         before 1970; AFTERSALES_EINVALID_ARGUMENT for a bad handle or a NULL `out_ms`.
 */
AFTERSALES_EXPORT int aftersales_calendar_subtract(const aftersales_calendar *calendar, int64_t at_ms,
                                                   int64_t duration_ms, int64_t *out_ms, char **out_error);

/**
 * The first close after `at_ms`: the end of the open interval holding it, or of the next one
 * when the calendar is closed then (exactly at a close, the next interval's end). Touching
 * intervals are one interval.
 *
 * @param out_ms receives the instant in epoch milliseconds.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the supported range or
 *         no open interval ends before 2201; AFTERSALES_EINVALID_ARGUMENT for a bad handle or a
 *         NULL `out_ms`.
 */
AFTERSALES_EXPORT int aftersales_calendar_next_close(const aftersales_calendar *calendar,
                                                     int64_t at_ms, int64_t *out_ms, char **out_error);

/**
 * The last close at or before `at_ms` (exactly at a close, `at_ms` itself).
 *
 * @param out_ms receives the instant in epoch milliseconds.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the supported range or
 *         no open interval ends from 1970 up to it; AFTERSALES_EINVALID_ARGUMENT for a bad handle
 *         or a NULL `out_ms`.
 */
AFTERSALES_EXPORT int aftersales_calendar_previous_close(const aftersales_calendar *calendar,
                                                         int64_t at_ms, int64_t *out_ms, char **out_error);

/**
 * The end of the `n`-th business day (a local date with open hours) after the local date of
 * `at_ms`; with `n` = 0 the end of that date if it is a business day (even if `at_ms` is after
 * it), else of the next one. A day's end is the end of its last range (docs/calendars.md).
 *
 * @param out_ms receives the instant in epoch milliseconds.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if `n` is negative; AFTERSALES_EOUT_OF_RANGE if
 *         `at_ms` is outside the supported range or that day ends after 2200;
 *         AFTERSALES_EINVALID_ARGUMENT for a bad handle or a NULL `out_ms`.
 */
AFTERSALES_EXPORT int aftersales_calendar_business_day_end(const aftersales_calendar *calendar,
                                                           int64_t at_ms, int n, int64_t *out_ms,
                                                           char **out_error);

/**
 * The business days among the local dates after that of `from_ms` up to and including that of
 * `to_ms`; negative when `to_ms` < `from_ms`, 0 on the same date.
 *
 * @param out receives the count.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if either instant is outside the supported
 *         range; AFTERSALES_EINVALID_ARGUMENT for a bad handle or a NULL `out`.
 */
AFTERSALES_EXPORT int aftersales_calendar_business_days_between(const aftersales_calendar *calendar,
                                                                int64_t from_ms, int64_t to_ms,
                                                                int64_t *out, char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* SLA                                                                                        */
/* ---------------------------------------------------------------------------------------- */

/*
 * Where each SLA clock of a ticket stands at an instant (spec §4). A ticket is the spec
 * section 3 JSON object; a report is the JSON object
 *   {"ticket", "policy", "priority", "metrics": [...], "escalations": [...], "next_check_at"}
 * exactly as the C++ SlaReport::to_json() and Python's report.to_dict() give it. Events after
 * `at_ms` are ignored, so an earlier instant replays the past. In a batch, a ticket created
 * after `at_ms` did not exist yet: its report carries "not_yet_created": true right after
 * "ticket", with "policy" null, no metrics or escalations and the priority it was created with
 * (spec section 9, "Replay in batches"); no other report has that member.
 *
 * Thread-safety: the policy is only read. Any number of these calls may run at the same time on
 * one policy handle, from any threads.
 */

/**
 * Evaluates one ticket, the JSON object in `ticket_json[0..len)` (UTF-8, need not be
 * NUL-terminated; the text is not kept), at `at_ms`.
 *
 * @param out_json receives the report: one JSON object, NUL-terminated, no trailing newline.
 *                 The caller owns it and releases it with aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the ticket is malformed (the message lists every
 *         problem with its JSON path, such as `events[3].at`; more than 100,000 events is one,
 *         at `events`, as for every function that reads a ticket) or `at_ms` is before it was
 *         created; AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the supported range;
 *         AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or `ticket_json` or
 *         `out_json` is NULL.
 */
AFTERSALES_EXPORT int aftersales_sla_evaluate(const aftersales_policy *policy,
                                              const char *ticket_json, size_t len, int64_t at_ms,
                                              char **out_json, char **out_error);

/**
 * Evaluates many tickets at `at_ms`: JSON Lines in `tickets_jsonl[0..len)`, one ticket object
 * per line (blank lines are skipped), spread over up to `threads` threads (0: one per core).
 *
 * A ticket created after `at_ms` gets a report marked "not_yet_created" (see above). A line
 * that cannot be evaluated (malformed) does not stop the batch: its output line is
 * {"line": N, "error": "..."}, N counting input lines (blank ones included) from `first_line`:
 * pass 1 for a whole text, or the number in the whole file of a block's first line when a file
 * is fed a block at a time.
 *
 * @param out_jsonl receives JSON Lines: one report (or error record) per non-blank input line,
 *                  in input order, each ending in "\n"; the empty string for no tickets.
 *                  NUL-terminated. The caller owns it and releases it with aftersales_free().
 *                  NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the supported range;
 *         AFTERSALES_EOUT_OF_RANGE also if a line's number would pass 2^63 - 1;
 *         AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or `tickets_jsonl` or
 *         `out_jsonl` is NULL.
 */
AFTERSALES_EXPORT int aftersales_sla_evaluate_lines(const aftersales_policy *policy,
                                                    const char *tickets_jsonl, size_t len,
                                                    int64_t at_ms, unsigned threads,
                                                    size_t first_line, char **out_jsonl, char **out_error);

/**
 * aftersales_sla_evaluate_lines over the file `tickets_path`, of any size, in bounded memory: it
 * is read 16 MiB at a time and each block's reports are written to `reports_path` (created, or
 * truncated) before the next block is read (docs/performance.md, "Streaming JSON Lines"). The
 * reports file holds exactly what aftersales_sla_evaluate_lines gives for the whole text with
 * first_line 1: error records number lines through the whole file.
 *
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if a file does not open (the message names it and
 *         why), cannot be read or written; AFTERSALES_EOUT_OF_RANGE if `at_ms` is outside the
 *         supported range; AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or a path
 *         is NULL. On failure the reports file may hold the reports of the blocks done.
 * Thread-safety: as aftersales_sla_evaluate_lines.
 */
AFTERSALES_EXPORT int aftersales_sla_evaluate_file(const aftersales_policy *policy,
                                                   const char *tickets_path, const char *reports_path,
                                                   int64_t at_ms, unsigned threads, char **out_error);

/*
 * Options of the *_with SLA calls, OR-ed into `flags`: each report's metrics carry their
 * "timeline" (docs/sla.md, "The timeline: explain"): the stretches each clock counted, with
 * their business time, the stretches it was paused and why, and the calendar's closed time it
 * skipped. Without a flag the *_with calls give exactly what the calls without it give.
 */
#define AFTERSALES_SLA_EXPLAIN 1u

/**
 * aftersales_sla_evaluate with `flags` (AFTERSALES_SLA_EXPLAIN or 0).
 * @return as aftersales_sla_evaluate; AFTERSALES_EINVALID_ARGUMENT also for an unknown flag.
 */
AFTERSALES_EXPORT int aftersales_sla_evaluate_with(const aftersales_policy *policy,
                                                   const char *ticket_json, size_t len, int64_t at_ms,
                                                   unsigned flags, char **out_json, char **out_error);

/**
 * aftersales_sla_evaluate_lines with `flags` (AFTERSALES_SLA_EXPLAIN or 0).
 * @return as aftersales_sla_evaluate_lines; AFTERSALES_EINVALID_ARGUMENT also for an unknown flag.
 */
AFTERSALES_EXPORT int aftersales_sla_evaluate_lines_with(const aftersales_policy *policy,
                                                         const char *tickets_jsonl, size_t len,
                                                         int64_t at_ms, unsigned threads, size_t first_line,
                                                         unsigned flags, char **out_jsonl, char **out_error);

/**
 * aftersales_sla_evaluate_file with `flags` (AFTERSALES_SLA_EXPLAIN or 0).
 * @return as aftersales_sla_evaluate_file; AFTERSALES_EINVALID_ARGUMENT also for an unknown flag.
 */
AFTERSALES_EXPORT int aftersales_sla_evaluate_file_with(const aftersales_policy *policy,
                                                        const char *tickets_path, const char *reports_path,
                                                        int64_t at_ms, unsigned threads, unsigned flags,
                                                        char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* Routing                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/*
 * Routing tickets to agents (spec §5, docs/routing.md). Agents, tickets and decisions are
 * the JSON shapes of spec §5 and §3; a decision is
 *   {"ticket", "queue", "rule", "agent", "bot", "priority", "waiting", "reasons"}
 * exactly as the C++ RoutingDecision::to_json() gives it.
 *
 * Thread-safety: a router is internally synchronised. Any number of threads may call any of
 * these functions on one router at the same time; each call is atomic, and a call that fails
 * leaves the router as it was.
 */

/**
 * A router: a policy's agents with their load, the tickets waiting in its queues, the
 * round-robin cursors and the customers' last agents.
 */
typedef struct aftersales_router aftersales_router;

/**
 * Creates an empty router (no agents) for the policy's `routing` section. The router keeps
 * its own reference to the policy: the policy handle may be freed first.
 *
 * @param out receives the router; release it with aftersales_router_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_ENOT_FOUND if the policy has no `routing` section;
 *         AFTERSALES_EINVALID_ARGUMENT for a NULL or dead handle or a NULL `out`.
 */
AFTERSALES_EXPORT int aftersales_router_new(const aftersales_policy *policy, aftersales_router **out,
                                            char **out_error);

/** Releases a router; NULL is a harmless no-op. */
AFTERSALES_EXPORT void aftersales_router_free(aftersales_router *router);

/**
 * Adds the agent in `agent_json[0..len)`, or replaces the agent with the same id (keeping the
 * tickets it holds).
 *
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the agent is malformed, has no id, names a queue
 *         the policy lacks or a negative capacity (the message names each problem's path).
 */
AFTERSALES_EXPORT int aftersales_router_upsert_agent(aftersales_router *router, const char *agent_json,
                                                     size_t len, char **out_error);

/**
 * Removes an agent and frees the tickets it held, for the host to route again.
 *
 * @param out_json if not NULL, receives a JSON array of the freed ticket ids, sorted; the
 *                 caller releases it with aftersales_free().
 * @return AFTERSALES_OK; AFTERSALES_ENOT_FOUND if there is no such agent.
 */
AFTERSALES_EXPORT int aftersales_router_remove_agent(aftersales_router *router, const char *agent_id,
                                                     char **out_json, char **out_error);

/**
 * Sets an agent's status: "online", "away" or "offline". Only online agents get tickets.
 *
 * @return AFTERSALES_OK; AFTERSALES_EINPUT for another status; AFTERSALES_ENOT_FOUND if there
 *         is no such agent.
 */
AFTERSALES_EXPORT int aftersales_router_set_status(aftersales_router *router, const char *agent_id,
                                                   const char *status, char **out_error);

/**
 * Routes the ticket in `ticket_json[0..len)` as of `at_ms`: to an agent (counted against its
 * capacity), to the bot, or to wait in its queue.
 *
 * @param out_json receives the decision (a JSON object); the caller releases it with
 *                 aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the ticket is malformed, already assigned or
 *         waiting, or created after `at_ms`; AFTERSALES_EOUT_OF_RANGE for an instant outside
 *         the supported range.
 */
AFTERSALES_EXPORT int aftersales_router_route(aftersales_router *router, const char *ticket_json, size_t len,
                                              int64_t at_ms, char **out_json, char **out_error);

/**
 * The agent is done with the ticket (resolved, transferred): frees its place. Call
 * aftersales_router_dispatch() afterwards to hand the place to a waiting ticket.
 *
 * @return AFTERSALES_OK; AFTERSALES_ENOT_FOUND if the agent does not hold the ticket.
 */
AFTERSALES_EXPORT int aftersales_router_release(aftersales_router *router, const char *agent_id,
                                                const char *ticket_id, char **out_error);

/**
 * Takes a waiting or offered ticket out of the router (solved without an agent, abandoned); an
 * offered ticket's agent is freed.
 *
 * @param out_withdrawn if not NULL, receives 1 if the ticket was waiting or offered, else 0.
 * @return AFTERSALES_OK.
 */
AFTERSALES_EXPORT int aftersales_router_withdraw(aftersales_router *router, const char *ticket_id,
                                                 int *out_withdrawn, char **out_error);

/**
 * With the routing section's `offers` (docs/routing.md, "Offers"): the agent accepts the ticket
 * offered to it, as of `at_ms`; the offer becomes an assignment, released with
 * aftersales_router_release.
 *
 * @return AFTERSALES_OK; AFTERSALES_ENOT_FOUND if the agent holds no offer of the ticket (the
 *         message says where the ticket is: waiting again after a decline or a lapse, held by
 *         another agent, accepted already); AFTERSALES_EINPUT if `at_ms` is before the offer
 *         was made or at or after its expiry (the next dispatch lets it lapse).
 */
AFTERSALES_EXPORT int aftersales_router_accept(aftersales_router *router, const char *agent_id,
                                               const char *ticket_id, int64_t at_ms, char **out_error);

/**
 * The agent declines the ticket offered to it, as of `at_ms`: the ticket waits again under its
 * original arrival, the agent is freed and not offered the ticket again before `at_ms` plus the
 * policy's `no_reoffer`. The next dispatch offers it to another agent.
 *
 * @return AFTERSALES_OK; AFTERSALES_ENOT_FOUND as aftersales_router_accept; AFTERSALES_EINPUT if
 *         `at_ms` is before the offer was made.
 */
AFTERSALES_EXPORT int aftersales_router_decline(aftersales_router *router, const char *agent_id,
                                                const char *ticket_id, int64_t at_ms, char **out_error);

/**
 * Assigns waiting tickets, most urgent first, to agents freed or come online since the last
 * dispatch, and to agents reached by overflow or skill relaxation due by `at_ms`.
 *
 * @param out_json receives a JSON array of the decisions made (possibly empty); the caller
 *                 releases it with aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE for an instant outside the supported range.
 */
AFTERSALES_EXPORT int aftersales_router_dispatch(aftersales_router *router, int64_t at_ms, char **out_json,
                                                 char **out_error);

/**
 * The router's whole state as JSON Lines (router snapshot version 3, docs/routing.md), for
 * aftersales_router_restore() after a restart. It has no size limit: about 120 bytes a waiting
 * ticket.
 *
 * @param out_json receives the snapshot (NUL-terminated); the caller releases it with
 *                 aftersales_free().
 * @return AFTERSALES_OK; AFTERSALES_ENOMEM if it does not fit in memory.
 */
AFTERSALES_EXPORT int aftersales_router_snapshot(aftersales_router *router, char **out_json,
                                                 char **out_error);

/**
 * A router for `policy` in the state of `snapshot_json[0..len)`: version 3 as
 * aftersales_router_snapshot() writes it or version 2, of any length (read a line at a time), or a version 1
 * snapshot of at most 16 MiB.
 *
 * @param out receives the router; release it with aftersales_router_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the snapshot is malformed, holds what no router
 *         reaches, or names queues or skills the policy no longer has (the message names each
 *         problem with its line and path, at most 100); AFTERSALES_ENOT_FOUND if the policy has
 *         no `routing` section.
 */
AFTERSALES_EXPORT int aftersales_router_restore(const aftersales_policy *policy, const char *snapshot_json,
                                                size_t len, aftersales_router **out, char **out_error);

/*
 * Listings (docs/routing.md, "Listings"): each is one consistent state of the router, taken
 * under its lock in time linear in what it lists, never a pass over every ticket for each agent.
 */

/**
 * Every agent with its load, as a JSON array sorted by agent id, each element
 *   {"id", "status", "queues", "capacity": {channel: n}, "load": {channel: n}, "total", "tickets"}
 * exactly as the C++ AgentLoad::to_json() gives it: `load` counts the tickets held per channel
 * (channels with none left out), `tickets` lists their ids, sorted. Away and offline agents
 * are listed with the tickets they still hold. With the routing section's `offers`, each
 * element also has "offered": the ids of those of `tickets` offered to the agent and not yet
 * accepted, sorted.
 *
 * @param out_json receives the array; the caller releases it with aftersales_free(). NULL on
 *                 failure.
 * @return AFTERSALES_OK; AFTERSALES_EINVALID_ARGUMENT for a NULL or dead handle or a NULL
 *         `out_json`; AFTERSALES_ENOMEM.
 */
AFTERSALES_EXPORT int aftersales_router_agents(const aftersales_router *router, char **out_json, char **out_error);

/**
 * Every waiting ticket, as a JSON array in the order aftersales_router_dispatch() serves them:
 * priority (urgent first), then SLA due time (none last), then arrival. Each element is
 *   {"ticket", "queue", "priority", "channel", "waiting_since", "due_at"}
 * exactly as the C++ WaitingTicket::to_json() gives it, instants in RFC 3339 UTC, `due_at`
 * null when no SLA clock was running when the ticket started waiting.
 *
 * @param out_json receives the array; the caller releases it with aftersales_free(). NULL on
 *                 failure.
 * @return AFTERSALES_OK; AFTERSALES_EINVALID_ARGUMENT for a NULL or dead handle or a NULL
 *         `out_json`; AFTERSALES_ENOMEM.
 */
AFTERSALES_EXPORT int aftersales_router_waiting(const aftersales_router *router, char **out_json, char **out_error);

/**
 * What aftersales_router_counts() fills in. Named apart from the function: in C a typedef and
 * a function cannot share a name.
 */
typedef struct aftersales_router_totals {
  int64_t agents;   /**< online + away + offline */
  int64_t online;
  int64_t away;
  int64_t offline;
  int64_t waiting;  /**< tickets waiting in some queue */
  int64_t assigned; /**< tickets held by some agent, offers included */
  int64_t offered;  /**< of `assigned`, the tickets on offer, not yet accepted (0 without offers) */
} aftersales_router_totals;

/**
 * How many agents the router holds, by status, and how many tickets wait, are assigned or are
 * on offer, in time linear in the agents.
 *
 * @param out receives the counts; left unchanged on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINVALID_ARGUMENT for a NULL or dead handle or a NULL `out`.
 */
AFTERSALES_EXPORT int aftersales_router_counts(const aftersales_router *router, aftersales_router_totals *out,
                                               char **out_error);

/**
 * Why the waiting ticket `ticket_id` waits (docs/routing.md, "Why is this waiting?"): for every
 * agent of the router, the first criterion of the picker it fails, as a JSON object
 *   {"ticket", "queue", "queues", "priority", "channel", "language", "skills", "waiting_since",
 *    "agents", "eligible", "summary": [{"reason", "agents", "text"}], "offset",
 *    "listed": [{"agent", "reason", "text"}]}
 * exactly as the C++ WaitExplanation::to_json() gives it. `reason` is a stable code:
 * "not_in_queue", "not_online", "at_capacity", "units", "language", "skill" or "eligible"; `summary` has
 * one entry per code, in that order, its counts adding up to `agents`. Read-only: one state of
 * the router, in time linear in its agents.
 *
 * @param at_ms    if not NULL, overflow and the dropping of preferred skills are judged as
 *                 aftersales_router_dispatch() at that instant would; NULL: as the last dispatch
 *                 left them.
 * @param offset   list the agents from this place in id order.
 * @param limit    list at most this many agents (0: the summary only); at most 1000.
 * @param out_json receives the object; the caller releases it with aftersales_free(). NULL on
 *                 failure.
 * @return AFTERSALES_OK; AFTERSALES_ENOT_FOUND if the ticket is not waiting (the message names
 *         its agent when it is assigned); AFTERSALES_EINPUT for a `limit` above 1000;
 *         AFTERSALES_EOUT_OF_RANGE for an instant outside the supported range.
 */
AFTERSALES_EXPORT int aftersales_router_explain(const aftersales_router *router, const char *ticket_id,
                                                const int64_t *at_ms, size_t offset, size_t limit,
                                                char **out_json, char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* Refunds                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/*
 * Refund decisions (spec §6). A request is the spec §6 JSON object
 *   {"order": {...}, "items": [...], "reason", "resolution", "requested_at", "customer",
 *    "refunded": [...], "return_received_at"}
 * with amounts as decimal strings in the order's currency; a decision is the JSON object
 *   {"eligible", "resolution", "options", "refund": {"currency", "total", "lines", "shipping",
 *    "deductions"}, "method", "return_shipping", "fast_refund", "ship_back_by",
 *    "refund_due_by", "policy", "reasons": [{"code", "message", "line"}]}
 * exactly as the C++ RefundDecision::to_json() and Python's decision.to_dict() give it.
 * docs/refunds.md explains the rules, the codes and the money arithmetic.
 *
 * Thread-safety: the policy is only read. Any number of these calls may run at the same time on
 * one policy handle, from any threads.
 */

/**
 * Decides one refund request, the JSON object in `request_json[0..len)` (UTF-8, need not be
 * NUL-terminated; the text is not kept). A request that is refused is not an error: the
 * decision says `"eligible": false` and why.
 *
 * @param out_json receives the decision: one JSON object, NUL-terminated, no trailing newline.
 *                 The caller owns it and releases it with aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the request is malformed (the message lists every
 *         problem with its JSON path, such as `order.lines[2].unit_price`);
 *         AFTERSALES_EOUT_OF_RANGE if an amount overflows 64-bit minor units;
 *         AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or `request_json` or
 *         `out_json` is NULL.
 */
AFTERSALES_EXPORT int aftersales_refund_check(const aftersales_policy *policy,
                                              const char *request_json, size_t len,
                                              char **out_json, char **out_error);

/**
 * Decides many refund requests: JSON Lines in `requests_jsonl[0..len)`, one request object per
 * line (blank lines are skipped), on up to `threads` threads (0: one per core). A malformed line
 * does not stop the batch: its output line is {"line": N, "error": "..."}, N counting input
 * lines from `first_line` as in aftersales_sla_evaluate_lines.
 *
 * @param out_jsonl receives JSON Lines, one decision (or error record) per non-blank input line,
 *                  in input order, each ending in "\n". NUL-terminated. The caller owns it and
 *                  releases it with aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if a line's number would pass 2^63 - 1;
 *         AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or `requests_jsonl` or
 *         `out_jsonl` is NULL.
 */
AFTERSALES_EXPORT int aftersales_refund_check_lines(const aftersales_policy *policy,
                                                    const char *requests_jsonl, size_t len,
                                                    unsigned threads, size_t first_line,
                                                    char **out_jsonl, char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* Compensation                                                                               */
/* ---------------------------------------------------------------------------------------- */

/*
 * Compensation decisions (docs/compensation.md). A request is the JSON object
 *   {"requested_at", "order": {"id", "currency", "amount", "promised_by", "delivered_at"},
 *    "customer": {"id", "tier"}, "ticket": {"id", "category", "channel", "agent", "tags"},
 *    "sla_breached": [...], "quality_fault", "history": [{"at", "order", "value"}]}
 * with amounts as decimal strings in the order's currency; a decision is the JSON object
 *   {"compensate", "policy", "currency", "total", "offers": [{"rule", "type", "amount",
 *    "min_spend", "points", "sku", "value"}], "late_days", "ticket", "category", "agent",
 *    "reasons": [{"code", "message", "rule"}]}
 * exactly as the C++ CompensationDecision::to_json() and Python's decision.to_dict() give it.
 *
 * Thread-safety: the policy is only read. Any number of these calls may run at the same time on
 * one policy handle, from any threads.
 */

/**
 * Decides one compensation request, the JSON object in `request_json[0..len)` (UTF-8, need not
 * be NUL-terminated; the text is not kept). A request that gets nothing is not an error: the
 * decision says `"compensate": false` and why.
 *
 * @param out_json receives the decision: one JSON object, NUL-terminated, no trailing newline.
 *                 The caller owns it and releases it with aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT if the request is malformed (the message lists every
 *         problem with its JSON path, such as `history[2].value`);
 *         AFTERSALES_EOUT_OF_RANGE if an amount overflows 64-bit minor units;
 *         AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or `request_json` or
 *         `out_json` is NULL.
 */
AFTERSALES_EXPORT int aftersales_compensation_decide(const aftersales_policy *policy,
                                                     const char *request_json, size_t len,
                                                     char **out_json, char **out_error);

/**
 * Decides many compensation requests: JSON Lines in `requests_jsonl[0..len)`, as
 * aftersales_refund_check_lines does for refunds (a malformed line yields
 * {"line": N, "error": "..."} and the batch goes on).
 *
 * @param out_jsonl receives JSON Lines, one decision (or error record) per non-blank input line,
 *                  in input order, each ending in "\n". NUL-terminated. The caller owns it and
 *                  releases it with aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EOUT_OF_RANGE if a line's number would pass 2^63 - 1;
 *         AFTERSALES_EINVALID_ARGUMENT if `policy` is not a live policy or `requests_jsonl` or
 *         `out_jsonl` is NULL.
 */
AFTERSALES_EXPORT int aftersales_compensation_decide_lines(const aftersales_policy *policy,
                                                           const char *requests_jsonl, size_t len,
                                                           unsigned threads, size_t first_line,
                                                           char **out_jsonl, char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* KPIs and scorecards                                                                        */
/* ---------------------------------------------------------------------------------------- */

/*
 * KPI requests take `options_json` (may be NULL or empty for the defaults):
 *   {"group_by": ["agent", "day", "fields.region"], "time_zone": "Asia/Shanghai",
 *    "orders": 120000 or {"2026-11-11": 120000}, "rank_within": ["day"]}
 * `group_by` is a subset of agent, queue, channel, category, priority, day, hour, week, month,
 * tier, tag and fields.<name>; `time_zone` (an IANA name) is where days, hours, weeks and
 * months begin: without it, the policy's kpi.timezone, else the zone all its calendars share,
 * else a time dimension is an error (docs/kpi.md, "Time zone"); `orders` feeds complaint_rate;
 * `rank_within` is read by the scorecard call only. Results are the JSON of docs/kpi.md, the
 * same text Python's to_dict() gives.
 * Tickets created after the instant counted at did not exist yet: they are left out of every
 * group and counted in the result's "not_yet_created" (spec section 9, "Replay in batches").
 *
 * Thread-safety: the policy is only read; any number of these calls may share one policy
 * handle, from any threads. An accumulator is used by one thread at a time.
 */

/**
 * KPIs of the tickets in `tickets_jsonl[0..len)` (one ticket (spec §3) per line, blank lines
 * skipped) as of `at_ms`, on up to `threads` threads (0: one per core).
 *
 * @param first_line the number of the text's first line, as in aftersales_sla_evaluate_lines:
 *        a ticket that cannot be read is named by its line counted from it (1 for a whole text).
 * @param out_json receives the KPI result; free it with aftersales_free(). NULL on failure.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT for a ticket that cannot be read (the message names
 *         its line) or bad options (an unknown time_zone, or none to be found);
 *         AFTERSALES_EINVALID_ARGUMENT for a NULL or dead handle or pointer.
 * Thread-safety: any number of calls may share one policy.
 */
AFTERSALES_EXPORT int aftersales_kpi_compute(const aftersales_policy *policy, const char *tickets_jsonl,
                                             size_t len, int64_t at_ms, const char *options_json,
                                             unsigned threads, size_t first_line, char **out_json,
                                             char **out_error);

/**
 * aftersales_kpi_compute over the file `tickets_path`, of any size, in bounded memory: read and
 * counted 16 MiB at a time (docs/performance.md, "Streaming JSON Lines"); the result equals
 * aftersales_kpi_compute on the whole text with first_line 1.
 *
 * @param out_json receives the KPI result; free it with aftersales_free(). NULL on failure.
 * @return as aftersales_kpi_compute; AFTERSALES_EINPUT also if the file does not open (the
 *         message names it and why) or cannot be read.
 */
AFTERSALES_EXPORT int aftersales_kpi_compute_file(const aftersales_policy *policy, const char *tickets_path,
                                                  int64_t at_ms, const char *options_json, unsigned threads,
                                                  char **out_json, char **out_error);

/**
 * The policy's scorecard `scorecard_id` over the KPIs `aftersales_kpi_compute` would give for
 * the same arguments: a score, stars and a rank per group (docs/kpi.md, "Scorecards").
 *
 * @param out_json receives the scorecard; free it with aftersales_free(). NULL on failure.
 * @return as aftersales_kpi_compute; AFTERSALES_ENOT_FOUND also for an unknown scorecard.
 */
AFTERSALES_EXPORT int aftersales_kpi_scorecard(const aftersales_policy *policy, const char *scorecard_id,
                                               const char *tickets_jsonl, size_t len, int64_t at_ms,
                                               const char *options_json, unsigned threads, size_t first_line,
                                               char **out_json, char **out_error);

/**
 * A mergeable KPI accumulator: a partial result a map/reduce job builds on each worker,
 * serialises, and merges. Thread-safety: one thread at a time per accumulator.
 */
typedef struct aftersales_kpi_accumulator aftersales_kpi_accumulator;

/**
 * A new, empty accumulator grouping as `options_json` says (its `orders` and `rank_within`
 * are not read here). It keeps the policy alive.
 *
 * @param out receives the accumulator; release it with aftersales_kpi_accumulator_free().
 * @return AFTERSALES_OK; AFTERSALES_EINPUT for bad options (as aftersales_kpi_compute);
 *         AFTERSALES_EINVALID_ARGUMENT.
 */
AFTERSALES_EXPORT int aftersales_kpi_accumulator_new(const aftersales_policy *policy, const char *options_json,
                                                     aftersales_kpi_accumulator **out, char **out_error);

/** Releases an accumulator; NULL is a harmless no-op. */
AFTERSALES_EXPORT void aftersales_kpi_accumulator_free(aftersales_kpi_accumulator *accumulator);

/**
 * Adds one ticket (spec §3) (`ticket_json[0..len)`) as it stood at `at_ms`; a ticket created
 * after `at_ms` is not added to any group but counted in the result's "not_yet_created" (the
 * accumulator counts as aftersales_kpi_compute does).
 * @return AFTERSALES_OK; AFTERSALES_EINPUT for an unreadable ticket; AFTERSALES_EOUT_OF_RANGE;
 *         AFTERSALES_EINVALID_ARGUMENT.
 */
AFTERSALES_EXPORT int aftersales_kpi_accumulator_add(aftersales_kpi_accumulator *accumulator,
                                                     const char *ticket_json, size_t len, int64_t at_ms,
                                                     char **out_error);

/**
 * Adds everything `other` holds to `accumulator` (`other` is unchanged), its
 * "not_yet_created" count included, or nothing.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT when they group differently;
 *         AFTERSALES_EOUT_OF_RANGE when a count would pass 2^63 - 1; AFTERSALES_EINVALID_ARGUMENT.
 */
AFTERSALES_EXPORT int aftersales_kpi_accumulator_merge(aftersales_kpi_accumulator *accumulator,
                                                       const aftersales_kpi_accumulator *other,
                                                       char **out_error);

/**
 * The partial state as JSON, for aftersales_kpi_accumulator_from_json on another worker.
 * @param out_json free it with aftersales_free().
 */
AFTERSALES_EXPORT int aftersales_kpi_accumulator_to_json(const aftersales_kpi_accumulator *accumulator,
                                                         char **out_json, char **out_error);

/**
 * Reads a partial state written by aftersales_kpi_accumulator_to_json against the same policy.
 * @param out receives the accumulator; release it with aftersales_kpi_accumulator_free().
 * @return AFTERSALES_OK; AFTERSALES_EINPUT naming the JSON path of every problem (counts no
 *         accumulator could reach included, docs/kpi.md); AFTERSALES_EINVALID_ARGUMENT.
 */
AFTERSALES_EXPORT int aftersales_kpi_accumulator_from_json(const aftersales_policy *policy, const char *json,
                                                           size_t len, aftersales_kpi_accumulator **out,
                                                           char **out_error);

/**
 * The KPI result so far (the JSON of aftersales_kpi_compute). Only `orders` of `options_json`
 * is read (may be NULL).
 * @param out_json free it with aftersales_free().
 */
AFTERSALES_EXPORT int aftersales_kpi_accumulator_result(const aftersales_kpi_accumulator *accumulator,
                                                        const char *options_json, char **out_json,
                                                        char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* Staffing                                                                                   */
/* ---------------------------------------------------------------------------------------- */

/*
 * How many agents a queue needs (docs/staffing.md): Erlang C, and Erlang A where customers
 * abandon. Plain numbers in, a plain struct out; no policy is involved.
 *
 * Thread-safety: pure functions; call them from any threads.
 */

/**
 * The staffing defaults of every surface (C++ `QueueLoad` and `ServiceGoal`, Python
 * `aftersales.staffing.DEFAULTS`, the `aftersales staffing` command), for a C caller to pass where
 * it has no value of its own, C having no default arguments. capi/staffing.cpp checks at compile
 * time that they are C++'s.
 */
#define AFTERSALES_STAFFING_DEFAULT_INTERVAL_S 1800.0
#define AFTERSALES_STAFFING_DEFAULT_AHT_S 180.0
#define AFTERSALES_STAFFING_DEFAULT_ANSWER_TIME_S 20.0
#define AFTERSALES_STAFFING_DEFAULT_SERVICE_LEVEL 0.8
#define AFTERSALES_STAFFING_DEFAULT_MAX_OCCUPANCY 1.0
#define AFTERSALES_STAFFING_DEFAULT_SHRINKAGE 0.0

/**
 * How a queue performs with `agents` agents (docs/staffing.md). A plain result that the caller
 * allocates and the calls below fill; its layout is fixed for this major version (a new field
 * would come with new functions, not a changed struct).
 */
typedef struct aftersales_staffing_result {
  int agents;              /**< agents taking contacts */
  int scheduled;           /**< agents to schedule: ceil(agents / (1 - shrinkage)) */
  double traffic;          /**< offered load in Erlangs: contacts x aht / interval */
  double service_level;    /**< share answered within the answer time */
  double probability_wait; /**< share that find every agent busy */
  double asa_s;            /**< average speed of answer, seconds (infinity when overloaded) */
  double occupancy;        /**< share of agent time spent handling contacts */
  double abandonment;      /**< Erlang A: share that abandon; 0 for Erlang C */
} aftersales_staffing_result;

/**
 * Erlang C with `agents` agents: `contacts` offered per `interval_s` seconds, average handle
 * time `aht_s`, target answer time `answer_time_s`. Pure and thread-safe.
 * @return AFTERSALES_OK; AFTERSALES_EINPUT for a negative or non-finite load, a non-positive
 *         interval or handle time, negative agents; AFTERSALES_EINVALID_ARGUMENT if `out` is NULL.
 */
AFTERSALES_EXPORT int aftersales_staffing_erlang_c(double contacts, double interval_s, double aht_s, int agents,
                                                   double answer_time_s, aftersales_staffing_result *out,
                                                   char **out_error);

/**
 * The fewest agents for which Erlang C answers `service_level` (0-1, exclusive) of contacts
 * within `answer_time_s` with occupancy at most `max_occupancy` (0-1]; `scheduled` grosses the
 * count up for `shrinkage` [0-1).
 * @return as aftersales_staffing_erlang_c, and AFTERSALES_EINPUT for a goal outside its range.
 */
AFTERSALES_EXPORT int aftersales_staffing_erlang_c_required(double contacts, double interval_s, double aht_s,
                                                            double answer_time_s, double service_level,
                                                            double max_occupancy, double shrinkage,
                                                            aftersales_staffing_result *out,
                                                            char **out_error);

/** Erlang A (customers abandon after a mean patience of `patience_s` > 0 seconds). */
AFTERSALES_EXPORT int aftersales_staffing_erlang_a(double contacts, double interval_s, double aht_s, double patience_s,
                                                   int agents, double answer_time_s, aftersales_staffing_result *out,
                                                   char **out_error);

/** The fewest agents meeting the goal under Erlang A; as aftersales_staffing_erlang_c_required. */
AFTERSALES_EXPORT int aftersales_staffing_erlang_a_required(double contacts, double interval_s, double aht_s,
                                                            double patience_s, double answer_time_s,
                                                            double service_level, double max_occupancy,
                                                            double shrinkage, aftersales_staffing_result *out,
                                                            char **out_error);

/* ---------------------------------------------------------------------------------------- */
/* Logging                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/*
 * What the library logs (docs/c-api.md, "Logging"): nothing by default; a level and a callback
 * set for the whole process.
 *
 * Thread-safety: every function here may be called from any thread.
 */

/** Log levels, in increasing severity; AFTERSALES_LOG_OFF (the default) silences everything.
 *  The values equal those of aftersales::LogLevel. */
enum {
  AFTERSALES_LOG_TRACE = 0,
  AFTERSALES_LOG_DEBUG = 1,
  AFTERSALES_LOG_INFO = 2,
  AFTERSALES_LOG_WARN = 3,
  AFTERSALES_LOG_ERROR = 4,
  AFTERSALES_LOG_OFF = 6
};

/**
 * Receives one log record: its level (an AFTERSALES_LOG_* value) and `len` bytes of UTF-8 text
 * at `message`, followed by a NUL. `message` is valid only during the call. `user` is the
 * pointer given to aftersales_log_set_callback(). Called on the thread that logged, possibly on
 * several threads at once; it must not call back into aftersales. Records never contain
 * customer identifiers or message content.
 */
typedef void (*aftersales_log_fn)(int level, const char *message, size_t len, void *user);

/**
 * Sets the lowest level that is emitted (AFTERSALES_LOG_OFF by default). Thread-safe.
 *
 * @return AFTERSALES_OK; AFTERSALES_EINVALID_ARGUMENT if `level` is not an AFTERSALES_LOG_*
 *         value.
 */
AFTERSALES_EXPORT int aftersales_log_set_level(int level, char **out_error);

/**
 * Sends log records to `fn` (with `user`) instead of standard error; a NULL `fn` restores
 * standard error. Thread-safe; a record being delivered on another thread may still reach the
 * previous callback, so keep the previous `user` alive until such calls are over.
 *
 * @return AFTERSALES_OK; AFTERSALES_ENOMEM.
 */
AFTERSALES_EXPORT int aftersales_log_set_callback(aftersales_log_fn fn, void *user, char **out_error);

#ifdef __cplusplus
}
#endif

#endif /* AFTERSALES_H */
