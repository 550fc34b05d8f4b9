//! Recoverability through the server, with the real register clients pointed at the fake
//! KvK and insolvency servers: a register that is down becomes a person's review after
//! every retry, nothing is lost, and a retry once the register is back finishes the check;
//! a second case of the same debtor is answered from the database cache.

use std::time::Duration;

use exploot::proto as pb;
use exploot::registry::{BreakerPolicy, CirConfig, KvkConfig, Registers, RetryPolicy};

use crate::harness::fake_registers::{CIR_PASSWORD, CIR_USER, FakeRegister, Fault, KVK_TEST_KEY};
use crate::harness::fixtures::{business_claim, consumer_claim, put_client};
use crate::harness::server::default_start;
use crate::harness::walk::open_tasks;
use crate::harness::{TestDb, TestServer, on_both_backends};

/// The real clients against the fakes, with short timeouts, backoffs and breaker.
pub(crate) fn registers(kvk: &FakeRegister, cir: &FakeRegister) -> Registers {
    Registers {
        kvk: Some(KvkConfig {
            base_url: kvk.kvk_base_url(),
            api_key: KVK_TEST_KEY.into(),
        }),
        insolvency: Some(CirConfig {
            url: cir.cir_url(),
            username: CIR_USER.into(),
            password: CIR_PASSWORD.into(),
        }),
        timeout: Duration::from_millis(400),
        retry: RetryPolicy {
            attempts: 2,
            first_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        },
        breaker: BreakerPolicy {
            failures: 1_000,
            cooldown: Duration::from_millis(1),
        },
        ..Registers::default()
    }
}

async fn advance_to(server: &TestServer, to: &str) {
    let at = chrono::DateTime::parse_from_rfc3339(to).unwrap();
    server
        .admin()
        .advance_clock(pb::AdvanceClockRequest {
            target: Some(pb::advance_clock_request::Target::To(
                prost_types::Timestamp {
                    seconds: at.timestamp(),
                    nanos: 0,
                },
            )),
        })
        .await
        .expect("AdvanceClock");
}

async fn case(server: &TestServer, id: &str) -> pb::Case {
    server
        .cases()
        .get_case(pb::GetCaseRequest { case_id: id.into() })
        .await
        .unwrap()
        .into_inner()
}

async fn registers_down_become_a_review_and_a_retry_finishes_the_check(db: TestDb) {
    failing_registers_become_a_review(db, Fault::ServerError).await;
}
on_both_backends!(registers_down_become_a_review_and_a_retry_finishes_the_check);

async fn malformed_answers_become_a_review_too(db: TestDb) {
    failing_registers_become_a_review(db, Fault::Malformed).await;
}
on_both_backends!(malformed_answers_become_a_review_too);

/// Both registers misbehave with `fault` on every request: after the job's attempts a
/// person reviews; once the registers answer again, the task's `retry` finishes the check.
async fn failing_registers_become_a_review(db: TestDb, fault: Fault) {
    let kvk = FakeRegister::kvk().await;
    let cir = FakeRegister::insolvency().await;
    kvk.always(Some(fault));
    cir.always(Some(fault));
    let server = TestServer::start_with(&db, default_start(), registers(&kvk, &cir)).await;
    put_client(&server, "acme").await;
    // KvK 99098123 is the fixtures' company in faillissement (curator mr K. Oopt). The
    // sommatie of Monday 4 May 2026 runs 14 days to Monday 18 May; the check starts on
    // Tuesday 19 May and every attempt finds both registers answering 500.
    let id = server
        .cases()
        .create_case(business_claim("acme", "DOWN-1", "99098123"))
        .await
        .unwrap()
        .into_inner()
        .id;
    advance_to(&server, "2026-05-20T08:00:00Z").await;

    let stuck = case(&server, &id).await;
    assert_eq!(
        stuck.stage,
        pb::Stage::Recoverability as i32,
        "{}",
        db.backend
    );
    assert_eq!(stuck.close_reason, pb::CloseReason::Unspecified as i32);
    let tasks = open_tasks(&server, &id).await;
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    let review = &tasks[0];
    assert_eq!(review.kind, "recoverability_review");
    assert!(review.outcomes.contains(&"retry".to_owned()), "{review:?}");
    // The job ran its attempts, each asking the register again.
    let asked = kvk.count() + cir.count();
    assert!(asked >= 3, "retried: {asked} requests");
    assert!(
        review.details_json.contains("register lookup"),
        "the person sees the error: {}",
        review.details_json
    );

    // The registers are back; a case handler asks for the check again.
    kvk.always(None);
    cir.always(None);
    server
        .tasks()
        .complete_task(pb::CompleteTaskRequest {
            task_id: review.id.clone(),
            request_id: "retry-1".into(),
            outcome: "retry".into(),
            ..Default::default()
        })
        .await
        .expect("CompleteTask");
    advance_to(&server, "2026-05-20T09:00:00Z").await;
    let done = case(&server, &id).await;
    assert_eq!(done.stage, pb::Stage::Closed as i32, "{}", db.backend);
    assert_eq!(done.close_reason, pb::CloseReason::Uncollectable as i32);
    let r = done.recoverability.unwrap();
    assert_eq!(r.insolvency_number, "F.16/21/150");
    server.stop().await;
}

async fn a_second_case_of_the_same_debtor_is_answered_from_the_cache(db: TestDb) {
    let kvk = FakeRegister::kvk().await;
    let cir = FakeRegister::insolvency().await;
    let cached = Registers {
        cache_ttl: Duration::from_secs(72 * 3600),
        ..registers(&kvk, &cir)
    };
    let server = TestServer::start_with(&db, default_start(), cached).await;
    put_client(&server, "acme").await;
    // Case 1 of KvK 99098123 on Monday 4 May, case 2 of the same debtor on Tuesday 5 May:
    // their checks run a day or two apart, inside the 72-hour cache.
    let first = server
        .cases()
        .create_case(business_claim("acme", "CACHE-1", "99098123"))
        .await
        .unwrap()
        .into_inner()
        .id;
    advance_to(&server, "2026-05-05T08:00:00Z").await;
    let second = server
        .cases()
        .create_case(business_claim("acme", "CACHE-2", "99098123"))
        .await
        .unwrap()
        .into_inner()
        .id;
    advance_to(&server, "2026-05-19T08:00:00Z").await;
    assert_eq!(case(&server, &first).await.stage, pb::Stage::Closed as i32);
    assert_ne!(case(&server, &second).await.stage, pb::Stage::Closed as i32);
    let asked = (kvk.count(), cir.count());
    assert!(
        asked.0 > 0 && asked.1 > 0,
        "the first case asked both registers: {asked:?}"
    );

    advance_to(&server, "2026-05-22T08:00:00Z").await;
    let answer = case(&server, &second).await;
    assert_eq!(answer.stage, pb::Stage::Closed as i32, "{}", db.backend);
    assert_eq!(answer.close_reason, pb::CloseReason::Uncollectable as i32);
    assert_eq!(
        answer.recoverability.unwrap().insolvency_number,
        "F.16/21/150"
    );
    assert_eq!(
        (kvk.count(), cir.count()),
        asked,
        "no call for the second case"
    );
    server.stop().await;
}
on_both_backends!(a_second_case_of_the_same_debtor_is_answered_from_the_cache);

/// One row of the README's fixture table: the debtor as the claim names it, and the
/// verdict the embedded fixture register must lead to.
struct Row {
    reference: &'static str,
    kvk: Option<(&'static str, &'static str, &'static str)>,
    consumer: Option<(&'static str, &'static str, &'static str)>,
    verdict: pb::recoverability::Verdict,
}

async fn every_fixture_verdict_through_the_server(db: TestDb) {
    use pb::recoverability::Verdict::{Proceed, Review, Stop};
    let server = TestServer::start(&db).await;
    put_client(&server, "acme").await;
    let rows = [
        Row {
            reference: "DAGOBERT",
            kvk: Some(("69599084", "1034 WL", "Amsterdam")),
            consumer: None,
            verdict: Proceed,
        },
        Row {
            reference: "CONRON",
            kvk: Some(("90000749", "3328 XD", "Dordrecht")),
            consumer: None,
            verdict: Proceed,
        },
        Row {
            reference: "DISSOLVED",
            kvk: Some(("90000000", "5611 AA", "Eindhoven")),
            consumer: None,
            verdict: Review,
        },
        Row {
            reference: "BANKRUPT",
            kvk: Some(("99098123", "5611 AA", "Eindhoven")),
            consumer: None,
            verdict: Stop,
        },
        Row {
            reference: "SURSEANCE",
            kvk: Some(("99098131", "5611 AA", "Eindhoven")),
            consumer: None,
            verdict: Stop,
        },
        Row {
            reference: "UNKNOWN",
            kvk: Some(("12345678", "5611 AA", "Eindhoven")),
            consumer: None,
            verdict: Review,
        },
        Row {
            reference: "MOVED",
            kvk: Some(("69599084", "5611 AA", "Eindhoven")),
            consumer: None,
            verdict: Review,
        },
        Row {
            reference: "WSNP",
            kvk: None,
            consumer: Some(("Vries", "de", "1975-03-14")),
            verdict: Stop,
        },
        // The same surname and date of birth, another first name (J., the register's
        // Pieter): a namesake until a person checks.
        Row {
            reference: "NAMESAKE",
            kvk: None,
            consumer: Some(("Vries", "de", "1975-03-14")),
            verdict: Review,
        },
        Row {
            reference: "ENDED",
            kvk: None,
            consumer: Some(("Bakker", "", "1968-11-02")),
            verdict: Review,
        },
        Row {
            reference: "CLEAN",
            kvk: None,
            consumer: Some(("Jansen", "", "1980-01-01")),
            verdict: Proceed,
        },
        Row {
            reference: "NO-DOB",
            kvk: None,
            consumer: Some(("Jansen", "", "")),
            verdict: Review,
        },
    ];
    let mut ids = Vec::new();
    for row in &rows {
        let request = match (row.kvk, row.consumer) {
            (Some((kvk, postcode, city)), _) => {
                let mut r = business_claim("acme", row.reference, kvk);
                let address = r.debtor.as_mut().unwrap().address.as_mut().unwrap();
                address.postcode = postcode.into();
                address.city = city.into();
                r
            }
            (None, Some((family, prefix, born))) => {
                let mut r = consumer_claim("acme", row.reference);
                let debtor = r.debtor.as_mut().unwrap();
                debtor.family_name = family.into();
                debtor.family_name_prefix = prefix.into();
                // The register's WSNP is Pieter de Vries'.
                let initial = if row.reference == "WSNP" { "P." } else { "J." };
                debtor.name = format!("{initial} {prefix} {family}").replace("  ", " ");
                debtor.date_of_birth = born.into();
                r
            }
            (None, None) => unreachable!("every row names a debtor"),
        };
        ids.push(
            server
                .cases()
                .create_case(request)
                .await
                .unwrap()
                .into_inner()
                .id,
        );
    }
    // Sommaties of Monday 4 May end Monday 18 May; 14-dagenbrieven sent that day are
    // presumed received Wednesday 6 May and end Wednesday 20 May: by Friday 22 May every
    // case has been checked.
    advance_to(&server, "2026-05-22T08:00:00Z").await;
    for (row, id) in rows.iter().zip(&ids) {
        let checked = case(&server, id).await;
        let r = checked
            .recoverability
            .unwrap_or_else(|| panic!("{}: not checked ({:?})", row.reference, checked.stage));
        assert_eq!(
            r.verdict, row.verdict as i32,
            "{} on {}: {:?}",
            row.reference, db.backend, r.reasons
        );
        assert!(
            !r.reasons.is_empty() || row.verdict == Proceed,
            "{}: reasons given",
            row.reference
        );
        match row.verdict {
            Stop => assert_eq!(
                checked.close_reason,
                pb::CloseReason::Uncollectable as i32,
                "{}",
                row.reference
            ),
            Review => assert!(
                open_tasks(&server, id)
                    .await
                    .iter()
                    .any(|t| t.kind == "recoverability_review"),
                "{}: a person decides",
                row.reference
            ),
            Proceed => assert_ne!(checked.stage, pb::Stage::Closed as i32, "{}", row.reference),
            pb::recoverability::Verdict::Unspecified => unreachable!(),
        }
    }
    server.stop().await;
}
on_both_backends!(every_fixture_verdict_through_the_server);
