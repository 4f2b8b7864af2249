# Sourced by bench scripts (scale.sh, restore-ab.sh): proving a restore.

# meta DIR: type, mode, size (not of folders: that is the filesystem's),
# mtime and path of every entry below DIR, sorted.
meta() {
  (cd "$1" && find . -mindepth 1 \( -type d -printf '%y\t%m\t-\t%T@\t%P\n' \) \
    -o -printf '%y\t%m\t%s\t%T@\t%P\n' | sort)
}

# same_tree NAME SRC DIR SCRATCH: DIR must equal SRC (diff -r, then type,
# mode, size and mtime of every entry); otherwise say so and exit.
same_tree() {
  diff -r --no-dereference -q "$2" "$3" > "$4/diff.out" ||
    { echo "$1: restore differs from the corpus:" >&2; head "$4/diff.out" >&2; exit 1; }
  diff <(meta "$2") <(meta "$3") > "$4/meta.out" ||
    { echo "$1: metadata differs:" >&2; head "$4/meta.out" >&2; exit 1; }
}
