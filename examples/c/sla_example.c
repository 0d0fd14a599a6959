/*
 * Evaluates the SLA clocks of every ticket in a JSON Lines file at one instant, through the C
 * ABI, and prints one block per ticket.
 *
 *   sla_example_c examples/policies/cn-marketplace.json examples/tickets/double11.jsonl
 *
 * The library answers in JSON (the same text as C++'s SlaReport::to_json and Python's
 * to_dict()). A real host would hand it to its JSON library; to stay dependency-free this
 * example reads the few flat fields it prints with a small scanner that relies on the report's
 * documented shape: the metric objects hold only strings, numbers and nulls.
 *
 * Exits non-zero, with the library's message, on any error.
 */
#include <aftersales.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fri 2026-11-13 10:00 +08:00, the morning after Double 11: 20770 days since 1970-01-01,
 * plus 02:00 UTC. Events after it are ignored, as if the file were replayed at that moment. */
#define AT_MS INT64_C(1794535200000)

/* Past the closing quote of the string starting at `p` (which points at the opening quote). */
static const char *skip_string(const char *p) {
  for (++p; *p != '\0' && *p != '"'; ++p) {
    if (*p == '\\' && p[1] != '\0') ++p;
  }
  return *p == '"' ? p + 1 : p;
}

/* Past the '}' or ']' that closes the object or array opening at `p`. */
static const char *skip_nested(const char *p) {
  int depth = 0;
  while (*p != '\0') {
    if (*p == '"') {
      p = skip_string(p);
      continue;
    }
    if (*p == '{' || *p == '[') ++depth;
    if ((*p == '}' || *p == ']') && --depth == 0) return p + 1;
    ++p;
  }
  return p;
}

/* Copies the scalar value of `"key":` found in [begin, end) into `out` (a string without its
 * quotes, escapes kept; a number or null as written). A key cannot be mistaken for text inside
 * a string value, where every quote is escaped. Returns whether the key was found. */
static int field(const char *begin, const char *end, const char *key, char *out, size_t size) {
  char pattern[64];
  const size_t pattern_length = (size_t)snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *p;
  for (p = begin; p + pattern_length <= end; ++p) {
    const char *value_end;
    size_t copied;
    if (strncmp(p, pattern, pattern_length) != 0) continue;
    p += pattern_length;
    value_end = *p == '"' ? skip_string(p) - 1 : p + strcspn(p, ",}]");
    if (*p == '"') ++p;
    copied = (size_t)(value_end - p) < size - 1 ? (size_t)(value_end - p) : size - 1;
    memcpy(out, p, copied);
    out[copied] = '\0';
    return 1;
  }
  out[0] = '\0';
  return 0;
}

/* "44h5m", "1m10s" from a number of seconds such as "158700" or "90.5" (milliseconds dropped):
 * hours are not folded into days because a business day is not 24 hours long. */
static void clock_time(const char *seconds_text, char *out, size_t size) {
  long total = (long)strtod(seconds_text, NULL);
  long h = total / 3600, m = total % 3600 / 60, s = total % 60;
  size_t used = 0;
  out[0] = '\0';
  if (h != 0) used += (size_t)snprintf(out + used, size - used, "%ldh", h);
  if (m != 0) used += (size_t)snprintf(out + used, size - used, "%ldm", m);
  if (s != 0 || used == 0) snprintf(out + used, size - used, "%lds", s);
}

/* For each state, the instant that matters and what to call it; a paused clock has none. */
static const struct {
  const char *state, *key, *label;
} instant_of_state[] = {
    {"active", "due_at", "due"},
    {"breached", "breached_at", "breached"},
    {"achieved", "completed_at", "done"},
};

static void print_metric(const char *begin, const char *end) {
  char metric[64], cycle[16], state[16], elapsed[32], target[32], instant[40];
  char elapsed_text[32], target_text[32], progress[80];
  const char *label = "clock stopped";
  size_t i;
  field(begin, end, "metric", metric, sizeof metric);
  field(begin, end, "cycle", cycle, sizeof cycle);
  field(begin, end, "state", state, sizeof state);
  field(begin, end, "elapsed_s", elapsed, sizeof elapsed);
  field(begin, end, "target_s", target, sizeof target);
  clock_time(elapsed, elapsed_text, sizeof elapsed_text);
  clock_time(target, target_text, sizeof target_text);
  snprintf(progress, sizeof progress, "%s of %s", elapsed_text, target_text);
  instant[0] = '\0';
  for (i = 0; i < sizeof instant_of_state / sizeof instant_of_state[0]; ++i) {
    if (strcmp(state, instant_of_state[i].state) == 0) {
      label = instant_of_state[i].label;
      field(begin, end, instant_of_state[i].key, instant, sizeof instant);
    }
  }
  printf("  %-18s %5s  %-9s %-17s %s%s%s\n", metric, cycle, state, progress, label,
         instant[0] != '\0' ? " " : "", instant);
}

static void print_report(const char *report) {
  char ticket[64], policy[64], priority[16], next_check[40];
  const char *end = report + strlen(report);
  const char *metrics = strstr(report, "\"metrics\":[");
  const char *p;
  field(report, end, "ticket", ticket, sizeof ticket);
  field(report, end, "policy", policy, sizeof policy);
  field(report, end, "priority", priority, sizeof priority);
  field(report, end, "next_check_at", next_check, sizeof next_check);
  printf("\n%s  policy %s, %s priority, next check %s\n", ticket, policy, priority,
         strcmp(next_check, "null") == 0 ? "none" : next_check);
  if (metrics == NULL) return;
  metrics += strlen("\"metrics\":");
  end = skip_nested(metrics);
  for (p = strchr(metrics, '{'); p != NULL && p < end; p = strchr(p, '{')) {
    const char *object_end = skip_nested(p);
    print_metric(p, object_end);
    p = object_end;
  }
}

/* Reads a whole file into a NUL-terminated buffer the caller frees; NULL on failure. */
static char *read_file(const char *path) {
  FILE *file = fopen(path, "rb");
  char *text = NULL;
  long size;
  if (file == NULL) return NULL;
  if (fseek(file, 0, SEEK_END) == 0 && (size = ftell(file)) >= 0 && fseek(file, 0, SEEK_SET) == 0 &&
      (text = malloc((size_t)size + 1)) != NULL) {
    if (fread(text, 1, (size_t)size, file) == (size_t)size) {
      text[size] = '\0';
    } else {
      free(text);
      text = NULL;
    }
  }
  fclose(file);
  return text;
}

/* Evaluates and prints every non-blank line; returns whether all of them succeeded. */
static int evaluate_lines(const aftersales_policy *policy, const char *tickets) {
  int ok = 1, number = 0;
  const char *line = tickets;
  while (*line != '\0') {
    size_t length = strcspn(line, "\n");
    ++number;
    if (strspn(line, " \t\r") < length) {
      char *report = NULL;
      int status = aftersales_sla_evaluate(policy, line, length, AT_MS, &report, NULL);
      if (status == AFTERSALES_OK) {
        print_report(report);
      } else {
        fprintf(stderr, "sla_example_c: line %d (status %d): %s\n", number, status,
                aftersales_last_error());
        ok = 0;
      }
      aftersales_free(report);
    }
    line += length;
    if (*line == '\n') ++line;
  }
  return ok;
}

int main(int argc, char **argv) {
  aftersales_policy *policy = NULL;
  char *tickets;
  int ok = 0;

  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY.json TICKETS.jsonl\n", argv[0]);
    return EXIT_FAILURE;
  }
  tickets = read_file(argv[2]);
  if (tickets == NULL) {
    fprintf(stderr, "sla_example_c: cannot read %s\n", argv[2]);
    return EXIT_FAILURE;
  }
  if (aftersales_policy_load_file(argv[1], &policy, NULL) != AFTERSALES_OK) {
    fprintf(stderr, "sla_example_c: loading the policy failed: %s\n", aftersales_last_error());
  } else {
    printf("SLA clocks at 2026-11-13T02:00:00Z (Fri 10:00 in Shanghai); instants in UTC\n");
    printf("\n  %-18s %5s  %-9s %-17s %s\n", "metric", "cycle", "state", "elapsed of target",
           "when");
    ok = evaluate_lines(policy, tickets);
  }
  aftersales_policy_free(policy);
  free(tickets);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
