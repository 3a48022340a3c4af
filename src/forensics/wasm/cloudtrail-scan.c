// CloudTrail record scanner, compiled to WebAssembly by scripts/build-wasm.sh (clang, no libc).
//
// Why: JSON.parse builds every nested object of every record, and on a 2-core machine that was most of a
// forensic scan's time. This walks a delivery file's bytes once, validates them as JSON (the same inputs
// JSON.parse rejects are rejected here), and for each record writes one row: where each top-level field
// the graph reads starts and ends, and for the repetitive fields (event name, source, region, IP, agent,
// error, account, userIdentity) a small integer naming the distinct value, so JavaScript decodes each
// distinct value once. eventTime is turned into milliseconds here when it is plain ISO-8601 UTC.
//
// WebAssembly keeps it memory-safe for the host: whatever the input, a bug here can give a wrong row,
// never touch memory outside this module. The JavaScript side (record-scan.ts) falls back to JSON.parse
// on any error code, and a test compares both paths on every fixture and on generated records.
typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;

// Eight bytes at a time (SWAR): a word is tested for a quote, a backslash or a control byte at once.
#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static u64 load64(const u8 *s) {
  u64 v;
  __builtin_memcpy(&v, s, 8);
  return v;
}
// Nonzero when some byte of v is below b (b <= 128); a flagged word is then read byte by byte.
static u64 has_below(u64 v, u64 b) { return (v - ONES * b) & ~v & HIGHS; }
static u64 has_byte(u64 v, u64 b) { return has_below(v ^ (ONES * b), 1); }

enum {
  F_TIME, F_NAME, F_SOURCE, F_REGION, F_IP, F_AGENT, F_ERROR, F_ID, F_SHARED, F_ACCOUNT,
  F_IDENTITY, F_REQUEST, F_RESPONSE, F_EXTRA, NFIELDS
};

// A row: start and end byte offsets of each field's raw value (strings with their quotes), then the
// distinct-value id of each interned field. NONE marks an absent field.
#define ROW (NFIELDS * 3)
#define NONE 0xffffffffu

// Error codes returned by scan(); the caller falls back to JSON.parse (or grows/resets and retries).
#define ERR_SYNTAX -1
#define ERR_ROWS -2
#define ERR_TABLE -3
#define ERR_SHAPE -4

// Distinct values: open addressing on a 32-bit hash; the bytes are compared on every hit, never trusted
// to the hash. When full, the caller resets the table (and its decoded strings) and scans the file again.
#define TCAP (1u << 17)
#define TMAX (TCAP / 2)
static u32 t_hash[TCAP];
static u32 t_off[TCAP];
static u32 t_len[TCAP];
static u32 t_id[TCAP]; // id + 1; 0 = empty slot
static u32 t_count;
#define POOL (16u << 20)
static u8 pool[POOL];
static u32 pool_used;

static const u8 *p; // input
static u32 n;       // input length
static u32 *rows;
static double *times;
static u32 row_cap;
static u32 nrows;
static i32 err;

static int interned(int f) {
  return f == F_NAME || f == F_SOURCE || f == F_REGION || f == F_IP || f == F_AGENT || f == F_ERROR ||
         f == F_ACCOUNT || f == F_IDENTITY;
}

// Whether a file of len bytes surely fits in the table as it is (a file adds at most len bytes of values,
// each at least 4 bytes with its key). The caller resets before a file that may not, rather than meet a
// full table halfway and scan that file twice.
__attribute__((export_name("fits"))) int fits(u32 len) { return pool_used + len <= POOL && t_count + len / 4 <= TMAX; }

static u32 hash(const u8 *s, u32 len) {
  u64 h = 0x9e3779b97f4a7c15ull ^ len;
  u32 i = 0;
  for (; i + 8 <= len; i += 8) h = (h ^ load64(s + i)) * 0xff51afd7ed558ccdull, h ^= h >> 32;
  for (; i < len; i++) h = (h ^ s[i]) * 0x100000001b3ull;
  h ^= h >> 29;
  return (u32)h;
}

static int same(const u8 *a, const u8 *b, u32 len) {
  u32 i = 0;
  for (; i + 8 <= len; i += 8)
    if (load64(a + i) != load64(b + i)) return 0;
  for (; i < len; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

// Each interned field's last few values (pool offset, length, id): a record's value is first compared in
// place with these. A string or an object is self-delimiting, so input that starts with a complete earlier
// value is that value, already validated: no walk, no hash. A session's userIdentity mostly hits here.
#define RECENT 4
static u32 r_off[NFIELDS][RECENT];
static u32 r_len[NFIELDS][RECENT];
static u32 r_id[NFIELDS][RECENT];
static u32 r_count[NFIELDS];
static u32 r_next[NFIELDS];
static u32 last_off; // pool offset of the value intern() last returned

static u32 intern(u32 start, u32 end) {
  u32 len = end - start;
  const u8 *s = p + start;
  u32 h = hash(s, len);
  u32 slot = h & (TCAP - 1);
  for (;;) {
    u32 id = t_id[slot];
    if (!id) break;
    if (t_hash[slot] == h && t_len[slot] == len && same(pool + t_off[slot], s, len)) {
      last_off = t_off[slot];
      return id - 1;
    }
    slot = (slot + 1) & (TCAP - 1);
  }
  if (t_count >= TMAX || pool_used + len > POOL) {
    err = ERR_TABLE;
    return NONE;
  }
  for (u32 i = 0; i < len; i++) pool[pool_used + i] = s[i];
  t_hash[slot] = h;
  t_off[slot] = pool_used;
  t_len[slot] = len;
  t_id[slot] = ++t_count;
  last_off = pool_used;
  pool_used += len;
  return t_count - 1;
}

__attribute__((export_name("reset"))) void reset(void) {
  for (u32 i = 0; i < TCAP; i++) t_id[i] = 0;
  t_count = 0;
  pool_used = 0;
  for (u32 f = 0; f < NFIELDS; f++) r_count[f] = r_next[f] = 0;
}

// The end of the value at start if it is one of field f's recent values (its id in *id), else 0.
static u32 recent_end(int f, u32 start, u32 *id) {
  for (u32 k = 0; k < r_count[f]; k++) {
    u32 len = r_len[f][k];
    if (start + len <= n && same(pool + r_off[f][k], p + start, len)) {
      *id = r_id[f][k];
      return start + len;
    }
  }
  return 0;
}

static void remember(int f, u32 start, u32 end, u32 id) {
  u8 c = p[start];
  if (c != '"' && c != '{' && c != '[') return; // numbers and literals are not self-delimiting
  u32 k = r_next[f];
  r_off[f][k] = last_off;
  r_len[f][k] = end - start;
  r_id[f][k] = id;
  r_next[f] = (k + 1) % RECENT;
  if (r_count[f] < RECENT) r_count[f]++;
}

static u32 ws(u32 i) {
  while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) i++;
  return i;
}

static int hex(u8 c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// i at an opening quote; returns the index past the closing quote. *escaped is set if it has escapes.
static u32 string_end(u32 i, int *escaped) {
  i++;
  while (i < n) {
    // Skip plain bytes a word at a time; stop at the word holding the quote, a backslash or a control byte.
    while (i + 8 <= n) {
      u64 v = load64(p + i);
      if (has_byte(v, '"') | has_byte(v, '\\') | has_below(v, 0x20)) break;
      i += 8;
    }
    if (i >= n) break;
    u8 c = p[i];
    if (c == '"') return i + 1;
    if (c < 0x20) break;
    if (c == '\\') {
      *escaped = 1;
      if (i + 1 >= n) break;
      u8 e = p[i + 1];
      if (e == 'u') {
        if (i + 5 >= n || !hex(p[i + 2]) || !hex(p[i + 3]) || !hex(p[i + 4]) || !hex(p[i + 5])) break;
        i += 6;
      } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
        i += 2;
      } else break;
    } else i++;
  }
  err = ERR_SYNTAX;
  return n;
}

static int digit(u32 i) { return i < n && p[i] >= '0' && p[i] <= '9'; }

static u32 number_end(u32 i) {
  if (i < n && p[i] == '-') i++;
  if (!digit(i)) goto bad;
  if (p[i] == '0') i++;
  else
    while (digit(i)) i++;
  if (i < n && p[i] == '.') {
    i++;
    if (!digit(i)) goto bad;
    while (digit(i)) i++;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < n && (p[i] == '+' || p[i] == '-')) i++;
    if (!digit(i)) goto bad;
    while (digit(i)) i++;
  }
  return i;
bad:
  err = ERR_SYNTAX;
  return n;
}

static u32 literal_end(u32 i, const char *word, u32 len) {
  if (i + len > n) goto bad;
  for (u32 k = 0; k < len; k++)
    if (p[i + k] != (u8)word[k]) goto bad;
  return i + len;
bad:
  err = ERR_SYNTAX;
  return n;
}

#define MAX_DEPTH 512

static u32 value_end(u32 i, u32 depth);

static u32 object_end(u32 i, u32 depth) {
  int escaped = 0;
  i = ws(i + 1);
  if (i < n && p[i] == '}') return i + 1;
  for (;;) {
    if (i >= n || p[i] != '"') break;
    i = ws(string_end(i, &escaped));
    if (err || i >= n || p[i] != ':') break;
    i = ws(value_end(ws(i + 1), depth + 1));
    if (err || i >= n) break;
    if (p[i] == '}') return i + 1;
    if (p[i] != ',') break;
    i = ws(i + 1);
  }
  err = ERR_SYNTAX;
  return n;
}

static u32 array_end(u32 i, u32 depth) {
  i = ws(i + 1);
  if (i < n && p[i] == ']') return i + 1;
  for (;;) {
    i = ws(value_end(i, depth + 1));
    if (err || i >= n) break;
    if (p[i] == ']') return i + 1;
    if (p[i] != ',') break;
    i = ws(i + 1);
  }
  err = ERR_SYNTAX;
  return n;
}

// i at the first byte of any JSON value; returns the index past it (err set on malformed input).
static u32 value_end(u32 i, u32 depth) {
  int escaped = 0;
  if (i >= n) goto bad;
  if (depth > MAX_DEPTH) {
    err = ERR_SHAPE;
    return n;
  }
  switch (p[i]) {
  case '"': return string_end(i, &escaped);
  case '{': return object_end(i, depth);
  case '[': return array_end(i, depth);
  case 't': return literal_end(i, "true", 4);
  case 'f': return literal_end(i, "false", 5);
  case 'n': return literal_end(i, "null", 4);
  default:
    if (p[i] == '-' || (p[i] >= '0' && p[i] <= '9')) return number_end(i);
  }
bad:
  err = ERR_SYNTAX;
  return n;
}

static int key_is(u32 start, u32 len, const char *word, u32 wlen) {
  if (len != wlen) return 0;
  for (u32 k = 0; k < len; k++)
    if (p[start + k] != (u8)word[k]) return 0;
  return 1;
}

// The field a key names (start/len: the key's bytes without quotes), or -1.
static int field_of(u32 s, u32 len) {
  switch (len) {
  case 7: return key_is(s, len, "eventID", 7) ? F_ID : -1;
  case 9:
    if (key_is(s, len, "eventTime", 9)) return F_TIME;
    if (key_is(s, len, "eventName", 9)) return F_NAME;
    if (key_is(s, len, "awsRegion", 9)) return F_REGION;
    if (key_is(s, len, "userAgent", 9)) return F_AGENT;
    if (key_is(s, len, "errorCode", 9)) return F_ERROR;
    return -1;
  case 11: return key_is(s, len, "eventSource", 11) ? F_SOURCE : -1;
  case 12: return key_is(s, len, "userIdentity", 12) ? F_IDENTITY : -1;
  case 13: return key_is(s, len, "sharedEventID", 13) ? F_SHARED : -1;
  case 15: return key_is(s, len, "sourceIPAddress", 15) ? F_IP : -1;
  case 16: return key_is(s, len, "responseElements", 16) ? F_RESPONSE : -1;
  case 17: return key_is(s, len, "requestParameters", 17) ? F_REQUEST : -1;
  case 18: return key_is(s, len, "recipientAccountId", 18) ? F_ACCOUNT : -1;
  case 19: return key_is(s, len, "additionalEventData", 19) ? F_EXTRA : -1;
  }
  return -1;
}

static int two(u32 i, u32 *v) {
  if (!digit(i) || !digit(i + 1)) return 0;
  *v = (p[i] - '0') * 10 + (p[i + 1] - '0');
  return 1;
}

// Milliseconds for "YYYY-MM-DDTHH:MM:SS[.sss]Z" between the quotes at [start, end); NaN-free: returns 0
// and leaves *ok 0 for anything else (the caller parses those with Date.parse, as JavaScript would).
static double iso_ms(u32 start, u32 end, int *ok) {
  u32 len = end - start, y1, y2, mo, d, h, mi, s, ms = 0;
  *ok = 0;
  if (len != 22 && len != 26) return 0; // with quotes: 20 or 24 characters
  u32 i = start + 1;
  if (!two(i, &y1) || !two(i + 2, &y2) || p[i + 4] != '-' || !two(i + 5, &mo) || p[i + 7] != '-' ||
      !two(i + 8, &d) || p[i + 10] != 'T' || !two(i + 11, &h) || p[i + 13] != ':' || !two(i + 14, &mi) ||
      p[i + 16] != ':' || !two(i + 17, &s))
    return 0;
  if (len == 26) {
    if (p[i + 19] != '.' || !digit(i + 20) || !digit(i + 21) || !digit(i + 22) || p[i + 23] != 'Z') return 0;
    ms = (p[i + 20] - '0') * 100 + (p[i + 21] - '0') * 10 + (p[i + 22] - '0');
  } else if (p[i + 19] != 'Z') return 0;
  u32 y = y1 * 100 + y2;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return 0;
  // Days from 1970-01-01 to the first of the month (H. Hinnant's days_from_civil), then the day: past the
  // month's end it rolls over, as Date.parse does ("2017-02-30" is March 2).
  u32 yy = mo <= 2 ? y - 1 : y;
  u32 era = yy / 400;
  u32 yoe = yy - era * 400;
  u32 doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5;
  u32 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  double days = (double)era * 146097 + doe - 719468 + (d - 1);
  *ok = 1;
  return ((days * 24 + h) * 60 + mi) * 60000.0 + s * 1000.0 + ms;
}

// i at a record's '{': writes its row; returns the index past its '}'.
static u32 record(u32 i) {
  if (nrows >= row_cap) {
    err = ERR_ROWS;
    return n;
  }
  u32 *row = rows + nrows * ROW;
  for (u32 k = 0; k < ROW; k++) row[k] = NONE;
  times[nrows] = 0;
  int time_ok = 0;
  i = ws(i + 1);
  if (i < n && p[i] == '}') {
    i++;
    goto done;
  }
  for (;;) {
    int escaped = 0;
    if (i >= n || p[i] != '"') goto bad;
    u32 key = i;
    i = string_end(i, &escaped);
    if (err) return n;
    // A key spelled with escapes means the same to JSON.parse; too rare to decode here.
    if (escaped) {
      err = ERR_SHAPE;
      return n;
    }
    int f = field_of(key + 1, i - key - 2);
    i = ws(i);
    if (i >= n || p[i] != ':') goto bad;
    i = ws(i + 1);
    u32 start = i;
    u32 id = NONE;
    if (f >= 0 && interned(f)) {
      i = recent_end(f, start, &id);
      if (!i) {
        i = value_end(start, 1);
        if (err) return n;
        id = intern(start, i);
        if (err) return n;
        remember(f, start, i, id);
      }
    } else {
      i = value_end(i, 1);
      if (err) return n;
    }
    if (f >= 0) {
      // A repeated key overwrites, as in JSON.parse.
      row[2 * f] = start;
      row[2 * f + 1] = i;
      row[2 * NFIELDS + f] = id;
      if (f == F_TIME) times[nrows] = iso_ms(start, i, &time_ok);
    }
    i = ws(i);
    if (i >= n) goto bad;
    if (p[i] == '}') break;
    if (p[i] != ',') goto bad;
    i = ws(i + 1);
  }
  i++;
done:
  // Only a parsed time is trusted: NONE in the id slot of eventTime says "parse it in JavaScript".
  row[2 * NFIELDS + F_TIME] = time_ok ? 0 : NONE;
  nrows++;
  return i;
bad:
  err = ERR_SYNTAX;
  return n;
}

/**
 * Scans `len` bytes at `in`: a `{"Records":[…]}` file or a JSON array. Writes up to `cap` rows to `out`
 * (ROW u32 each) and their times to `tout`. Returns the number of rows, or an error code.
 * Elements of the array that are not objects are validated and skipped (normalizeRecord drops them too).
 */
__attribute__((export_name("scan"))) i32 scan(const u8 *in, u32 len, u32 *out, double *tout, u32 cap) {
  p = in;
  n = len;
  rows = out;
  times = tout;
  row_cap = cap;
  nrows = 0;
  err = 0;
  u32 i = ws(0);
  int envelope = i < n && p[i] == '{';
  if (envelope) {
    i = ws(i + 1);
    if (!key_is(i, n - i < 9 ? n - i : 9, "\"Records\"", 9)) return ERR_SHAPE;
    i = ws(i + 9);
    if (i >= n || p[i] != ':') return ERR_SHAPE;
    i = ws(i + 1);
  }
  if (i >= n || p[i] != '[') return ERR_SHAPE;
  i = ws(i + 1);
  if (i < n && p[i] == ']') i++;
  else
    for (;;) {
      if (i < n && p[i] == '{') i = record(i);
      else i = value_end(i, 1);
      if (err) return err;
      i = ws(i);
      if (i >= n) return ERR_SYNTAX;
      if (p[i] == ']') {
        i++;
        break;
      }
      if (p[i] != ',') return ERR_SYNTAX;
      i = ws(i + 1);
    }
  i = ws(i);
  if (envelope) {
    // Another top-level key beside Records: a shape this path does not read.
    if (i >= n || p[i] != '}') return ERR_SHAPE;
    i = ws(i + 1);
  }
  if (i != n) return ERR_SYNTAX;
  return (i32)nrows;
}

// Static memory ends here: the caller places input and rows above it.
extern u8 __heap_base;
__attribute__((export_name("heap_base"))) u32 heap_base(void) { return (u32)&__heap_base; }
