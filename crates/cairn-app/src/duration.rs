//! Durations as the config writes them ("26h", "90m", "1h30m"): below the
//! config and the transport settings that both read them.

/// Parses "26h", "90m", "1d", "45s" (and combinations like "1h30m").
pub fn parse_duration(s: &str) -> std::result::Result<std::time::Duration, String> {
    let mut total = 0u64;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num
            .parse()
            .map_err(|_| format!("{s:?} is not a duration (e.g. 26h, 90m, 1d)"))?;
        num.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            'w' => 7 * 86400,
            _ => return Err(format!("{s:?}: unknown unit {c:?} (use s, m, h, d, w)")),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("{s:?} is too long"))?;
        any = true;
    }
    if !num.is_empty() || !any {
        return Err(format!("{s:?} is not a duration (e.g. 26h, 90m, 1d)"));
    }
    Ok(std::time::Duration::from_secs(total))
}
