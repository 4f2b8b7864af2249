//! Reading many small objects at once, in a fixed order.
//!
//! Opening a repository reads every index file, and `list` or the start of a
//! backup reads every snapshot object: after thousands of backups that is
//! thousands of objects. On a folder each read is a few microseconds; on
//! object storage each is a request with a round trip, and one at a time
//! that was 23 s for 8,295 snapshots on a loopback S3 server
//! (docs/BENCHMARKS.md). [`for_each_in_order`] keeps a bounded number of
//! them in flight on a small pool of threads.
//!
//! Why threads here, over the [`crate::Backend`] (which is `Send + Sync`),
//! rather than a batch-read method on the trait that each backend would make
//! concurrent its own way: every storage gains (S3, Azure, SFTP, a folder on
//! a network file system), and so does every wrapper around one (the WORM
//! guard, append-only sessions, test hooks) without each having to pass a
//! new method on, which one forgetting would silently make sequential
//! again; and the work after each read (decrypting, decompressing,
//! decoding) runs on the same threads, which a batch read would leave on
//! one. The crate stays synchronous: std threads, bounded channels.
//!
//! What the caller sees does not change with the threads: results arrive in
//! the order of the items, on the caller's thread, and the first error in
//! that order is the one returned, exactly as a loop over the items with `?`
//! would return it. Damage a caller skips (a corrupt snapshot) is a result,
//! not an error, so it is still named the same way.

use crate::error::{Error, ErrorKind, Result};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// How many objects a listing reads at once: enough to hide a round trip
/// to object storage behind the others (and to use both cores on the
/// decryption), few enough that a server sees a handful of connections
/// from one client, as from restic's default of 5 or rclone's 8 checkers.
pub const READS_IN_FLIGHT: usize = 8;

/// A result held in order, or a worker's panic to pass on.
type Outcome<R> = std::thread::Result<Result<R>>;

/// Calls `f` on every item, on up to `workers` threads at once, and hands
/// each item with its result to `sink` in the order of `items`, on the
/// calling thread. Stops at the first error in that order (from `f` or
/// from `sink`) and returns it; items after it may or may not have been
/// passed to `f`, but none reaches `sink`. At most `workers` calls of `f`
/// run at once, and at most `2 * workers` results wait for `sink`, so
/// memory stays bounded whatever the number of items.
pub fn for_each_in_order<T, R>(
    items: &[T],
    workers: usize,
    f: impl Fn(&T) -> Result<R> + Sync,
    mut sink: impl FnMut(&T, R) -> Result<()>,
) -> Result<()>
where
    T: Sync,
    R: Send,
{
    let workers = workers.min(items.len());
    if workers <= 1 {
        for item in items {
            sink(item, f(item)?)?;
        }
        return Ok(());
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let (job_tx, job_rx) = crossbeam_channel::unbounded::<usize>();
        let (done_tx, done_rx) = crossbeam_channel::unbounded::<(usize, Outcome<R>)>();
        for _ in 0..workers {
            let (job_rx, done_tx, f, stop) = (job_rx.clone(), done_tx.clone(), &f, &stop);
            s.spawn(move || {
                for i in job_rx {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    // A panic is carried to the caller's thread and raised
                    // there: a worker that died silently would leave the
                    // caller waiting for its result forever.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&items[i])));
                    if done_tx.send((i, r)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((job_rx, done_tx));
        let r = deliver(items, 2 * workers, &job_tx, &done_rx, &mut sink);
        // Workers finish the call they are in and take no more.
        stop.store(true, Ordering::Relaxed);
        drop(job_tx);
        r
    })
}

/// The caller's side of [`for_each_in_order`]: hands out item numbers no
/// more than `window` ahead of the next one `sink` takes, and puts the
/// results back in order.
fn deliver<T, R>(
    items: &[T],
    window: usize,
    jobs: &crossbeam_channel::Sender<usize>,
    done: &crossbeam_channel::Receiver<(usize, Outcome<R>)>,
    sink: &mut impl FnMut(&T, R) -> Result<()>,
) -> Result<()> {
    let (mut sent, mut next) = (0, 0);
    let mut held: BTreeMap<usize, Result<R>> = BTreeMap::new();
    while next < items.len() {
        while sent < items.len() && sent < next + window {
            jobs.send(sent).map_err(|_| stopped())?;
            sent += 1;
        }
        let (i, outcome) = done.recv().map_err(|_| stopped())?;
        match outcome {
            Ok(r) => held.insert(i, r),
            Err(panic) => std::panic::resume_unwind(panic),
        };
        while let Some(r) = held.remove(&next) {
            sink(&items[next], r?)?;
            next += 1;
        }
    }
    Ok(())
}

/// Every worker is gone with results still owed: only a panic does that,
/// and a panic is raised before this is seen; kept as an error, not a hang.
fn stopped() -> Error {
    Error::new(
        ErrorKind::Io,
        "the threads reading objects stopped before reading them all",
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Condvar, Mutex};
    use std::time::Duration;

    fn collect(
        items: &[u64],
        workers: usize,
        f: impl Fn(&u64) -> Result<u64> + Sync,
    ) -> Result<Vec<(u64, u64)>> {
        let mut got = Vec::new();
        for_each_in_order(items, workers, f, |i, r| {
            got.push((*i, r));
            Ok(())
        })?;
        Ok(got)
    }

    #[test]
    fn results_come_in_the_order_of_the_items_whatever_order_they_finish_in() {
        let items: Vec<u64> = (0..200).collect();
        // Later items finish first: each sleeps less than the one before.
        let got = collect(&items, 8, |i| {
            std::thread::sleep(Duration::from_micros((200 - i) * 20));
            Ok(i * 10)
        })
        .unwrap();
        assert_eq!(got, items.iter().map(|i| (*i, i * 10)).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_error_in_item_order_is_returned_even_when_a_later_one_fails_first() {
        let items: Vec<u64> = (0..50).collect();
        let delivered = AtomicUsize::new(0);
        let r = for_each_in_order(
            &items,
            4,
            |i| match i {
                // Item 3 fails late, item 5 at once: 3 is the one a loop would meet.
                3 => {
                    std::thread::sleep(Duration::from_millis(100));
                    Err(Error::corrupt("snapshot 3 is damaged"))
                }
                5 => Err(Error::corrupt("snapshot 5 is damaged")),
                i => Ok(*i),
            },
            |_, _| {
                delivered.fetch_add(1, Ordering::Relaxed);
                Ok(())
            },
        );
        assert_eq!(r.unwrap_err().message(), "snapshot 3 is damaged");
        assert_eq!(delivered.load(Ordering::Relaxed), 3, "items 0, 1, 2 only");
    }

    #[test]
    fn an_error_stops_the_reads_soon_after_it() {
        let items: Vec<u64> = (0..10_000).collect();
        let calls = AtomicUsize::new(0);
        let r = collect(&items, 4, |i| {
            calls.fetch_add(1, Ordering::Relaxed);
            if *i == 10 {
                return Err(Error::new(ErrorKind::Transient, "the server is gone"));
            }
            Ok(*i)
        });
        assert_eq!(r.unwrap_err().kind(), ErrorKind::Transient);
        // Items are handed out at most 2 * workers past the one awaited.
        assert!(calls.load(Ordering::Relaxed) <= 10 + 1 + 8, "{calls:?}");
    }

    #[test]
    fn an_error_from_the_sink_stops_too() {
        let items: Vec<u64> = (0..100).collect();
        let r = for_each_in_order(
            &items,
            4,
            |i| Ok(*i),
            |i, _| match i {
                7 => Err(Error::corrupt("no room for 7")),
                _ => Ok(()),
            },
        );
        assert_eq!(r.unwrap_err().message(), "no room for 7");
    }

    /// Counts calls in flight, and holds each one until `workers` are in
    /// flight together (or a while has passed): a pool that ran fewer at
    /// once would show it in `peak`, one that ran more would exceed it.
    struct InFlight {
        now: Mutex<usize>,
        peak: AtomicUsize,
        all_in: Condvar,
    }

    #[test]
    fn no_more_than_the_given_number_of_reads_are_in_flight_and_that_many_are() {
        let items: Vec<u64> = (0..64).collect();
        let workers = 4;
        let w = InFlight {
            now: Mutex::new(0),
            peak: AtomicUsize::new(0),
            all_in: Condvar::new(),
        };
        let got = collect(&items, workers, |i| {
            let mut n = w.now.lock().unwrap();
            *n += 1;
            w.peak.fetch_max(*n, Ordering::Relaxed);
            w.all_in.notify_all();
            let (mut n, _) = w
                .all_in
                .wait_timeout_while(n, Duration::from_millis(200), |n| *n < workers)
                .unwrap();
            *n -= 1;
            Ok(*i)
        })
        .unwrap();
        assert_eq!(got.len(), 64);
        assert_eq!(w.peak.load(Ordering::Relaxed), workers);
    }

    #[test]
    fn one_worker_or_one_item_reads_on_the_callers_thread() {
        let me = std::thread::current().id();
        let got = collect(&[1, 2, 3], 1, |i| {
            assert_eq!(std::thread::current().id(), me);
            Ok(*i)
        })
        .unwrap();
        assert_eq!(got, vec![(1, 1), (2, 2), (3, 3)]);
        assert!(collect(&[], 8, |i| Ok(*i)).unwrap().is_empty());
    }

    #[test]
    #[should_panic(expected = "reader broke")]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let items: Vec<u64> = (0..20).collect();
        let _ = collect(&items, 4, |i| {
            if *i == 9 {
                panic!("reader broke");
            }
            Ok(*i)
        });
    }
}
