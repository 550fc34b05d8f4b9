//! The court side and the judgment's service recorded, not assumed (issue 16, policy
//! `record_service`): the dagvaarding filed with the registry before the roldatum (art.
//! 125 Rv) or its aanhangigheid lapsing, the hearing recorded (verstek, a defence,
//! an adjournment), and the vonnis with its order to pay served when the bailiff says it
//! was — the attachments wait for the real service.

use exploot::proto as pb;

use crate::harness::fixtures::{advance_to, at, get_case as get};
use crate::harness::walk::{
    complete_with, create_case, events, open_task, open_tasks, put_recording_client,
    register_judgment, to_the_approved_summons,
};
use crate::harness::{TestDb, TestServer, bad_fields, on_both_backends};

/// The case's open tasks' kinds.
async fn open_kinds(server: &TestServer, id: &str) -> Vec<String> {
    open_tasks(server, id)
        .await
        .into_iter()
        .map(|t| t.kind)
        .collect()
}

/// The payloads of the case's audit events of `kind`.
async fn audit_of(
    server: &TestServer,
    db: &TestDb,
    id: &str,
    kind: &str,
) -> Vec<serde_json::Value> {
    events(server, db, id)
        .await
        .into_iter()
        .filter(|(k, _)| k == kind)
        .map(|(_, p)| p)
        .collect()
}

/// The claim of `track.rs` (consumer J. de Vries, € 1.825,00 due 31 March 2026), entered
/// Mon 4 May 2026 and walked to its first roldatum: the letter runs out on Thu 21 May; on
/// Fri 22 May the dagvaarding is drafted for service on Tue 26 May (Mon 25 May is Whit
/// Monday), hearing Wed 3 June (26 May + 7 = Tue 2 June, the hearing the day after, art.
/// 114/119 Rv). Served in person on 26 May as planned; to be filed by the last day the
/// registry is open before the roldatum, Tue 2 June, and filed Mon 1 June. On Wed 3 June
/// the `hearing` task is open.
async fn to_the_hearing(server: &TestServer, reference: &str) -> String {
    let id = to_the_approved_summons(server, reference).await;
    advance_to(server, "2026-05-26T08:00:00Z").await;
    let service = open_task(server, &id, "service").await;
    complete_with(
        server,
        &service,
        "in_person",
        &[("served_on", "2026-05-26")],
    )
    .await
    .expect("served");
    let enrol = open_task(server, &id, "enrol").await;
    assert_eq!(enrol.due_on, "2026-06-02");
    advance_to(server, "2026-06-01T08:00:00Z").await;
    complete_with(server, &enrol, "filed", &[("filed_on", "2026-06-01")])
        .await
        .expect("filed");
    advance_to(server, "2026-06-03T08:00:00Z").await;
    assert_eq!(open_kinds(server, &id).await, ["hearing"]);
    id
}

/// (a) The vonnis not served, then served at the new address: the order to pay runs from
/// the real service, and the attachment comes only after it.
///
/// Verstek on Wed 3 June; the default judgment of Wed 17 June is registered that day, to be
/// served with the order to pay on the next working day, Thu 18 June. That day the
/// insolvency register is asked first (nothing), then the bailiff is asked for the record:
/// the debtor has moved (the journey in vain: € 25,00 stated). A new address, Nieuwegracht
/// 7, 3512 LB Utrecht: the next attempt on the next working day, Fri 19 June — the register
/// asked again before it (an execution act, art. 33 Fw) — and the bailiff serves it there in
/// person on Tue 23 June.
///
/// - The fee is that of the real service day: Btag 2026 art. 2b € 136,71 + 21 % VAT
///   28,7091 → 28,71 = € 165,42 (the client cannot deduct VAT); nothing was charged on
///   18 June but the stated € 25,00.
/// - The order to pay's two days run from the day after the real service: Wed 24 and Thu
///   25 June (a working day: no Atw extension); attachments from Fri 26 June. On Thu 25
///   June there is no attachment task (there would have been on Tue 23 June had the
///   service of 18 June been assumed: 18 + 2 = Sat 20 → Mon 22 June); on Fri 26 June the
///   register is asked again and the bank attachment's task comes, from 26 June.
async fn a_judgment_not_served_then_served_at_the_new_address(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    put_recording_client(&server).await;
    let id = to_the_hearing(&server, "VONNIS-1").await;
    let hearing = open_task(&server, &id, "hearing").await;
    complete_with(&server, &hearing, "default", &[])
        .await
        .expect("verstek");
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Judgment as i32);
    advance_to(&server, "2026-06-17T08:00:00Z").await;
    register_judgment(&server, &id, "2026-06-17", pb::judgment::Kind::Default).await;

    // Thu 18 June: after the register, the bailiff is asked; nothing is assumed served.
    advance_to(&server, "2026-06-18T08:00:00Z").await;
    let first = open_task(&server, &id, "service").await;
    assert!(first.title.contains("vonnis"), "{}", first.title);
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Execution as i32);
    assert_eq!(case.judgment.expect("judgment").served_on, "");
    // A service before the planned day is refused, named.
    let early = complete_with(&server, &first, "in_person", &[("served_on", "2026-06-17")])
        .await
        .expect_err("before the planned day");
    assert_eq!(bad_fields(&early), ["values[\"served_on\"]"]);
    complete_with(
        &server,
        &first,
        "not_served",
        &[
            ("attempted_on", "2026-06-18"),
            ("found", "moved"),
            ("costs", "25.00"),
        ],
    )
    .await
    .expect("not served");
    let failed = open_task(&server, &id, "service_failed").await;
    complete_with(
        &server,
        &failed,
        "new_address",
        &[
            ("street", "Nieuwegracht 7"),
            ("postcode", "3512 LB"),
            ("city", "Utrecht"),
        ],
    )
    .await
    .expect("new address");
    // The debtor's own record follows the address found (letters, search), audited.
    let address = get(&server, &id)
        .await
        .debtor
        .expect("debtor")
        .address
        .expect("address");
    assert_eq!(
        [&address.street, &address.postcode, &address.city],
        ["Nieuwegracht 7", "3512 LB", "Utrecht"]
    );
    advance_to(&server, "2026-06-19T08:00:00Z").await;
    let second = open_task(&server, &id, "service").await;
    assert_ne!(second.id, first.id);
    advance_to(&server, "2026-06-23T08:00:00Z").await;
    assert!(
        !open_kinds(&server, &id)
            .await
            .contains(&"attachment".into())
    );
    complete_with(
        &server,
        &second,
        "in_person",
        &[("served_on", "2026-06-23")],
    )
    .await
    .expect("served");
    assert_eq!(
        get(&server, &id)
            .await
            .judgment
            .expect("judgment")
            .served_on,
        "2026-06-23"
    );

    advance_to(&server, "2026-06-25T08:00:00Z").await;
    assert!(
        !open_kinds(&server, &id)
            .await
            .contains(&"attachment".into()),
        "the order to pay runs through Thu 25 June"
    );
    advance_to(&server, "2026-06-26T08:00:00Z").await;
    let attachment = open_task(&server, &id, "attachment").await;
    assert_eq!(attachment.title, "Attachment 1: bank (beslag)");

    let served = audit_of(&server, &db, &id, "judgment_served").await;
    assert_eq!(served.len(), 1);
    assert_eq!(served[0]["served_on"], "2026-06-23");
    assert_eq!(served[0]["order_to_pay_ends_on"], "2026-06-25");
    assert_eq!(served[0]["amounts"]["bailiff_fee"], "165.42");
    assert_eq!(served[0]["service"]["act"], "judgment");
    assert_eq!(served[0]["service"]["attempt"], 2);
    assert_eq!(
        served[0]["service"]["address"],
        "Nieuwegracht 7, 3512 LB Utrecht"
    );
    let failed = audit_of(&server, &db, &id, "service_failed").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["service"]["act"], "judgment");
    assert_eq!(failed[0]["amounts"]["attempt_costs"], "25.00");
    let due: Vec<serde_json::Value> = audit_of(&server, &db, &id, "service_due")
        .await
        .into_iter()
        .filter(|p| p["act"] == "judgment")
        .collect();
    assert_eq!(
        due.iter()
            .map(|p| p["planned_on"].clone())
            .collect::<Vec<_>>(),
        ["2026-06-18", "2026-06-19"]
    );
    // The register was asked before each attempt at the service, and again before the
    // attachment (the order to pay's end asks it).
    assert_eq!(
        audit_of(&server, &db, &id, "insolvency_recheck")
            .await
            .len(),
        2
    );
    let ended = audit_of(&server, &db, &id, "order_to_pay_ended").await;
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["before"], "attachment");
    server.stop().await;
}

on_both_backends!(a_judgment_not_served_then_served_at_the_new_address);

/// (b) The filing with the registry (aanbrengen, art. 125 Rv): one case filed on the last
/// day, one not filed at all.
///
/// Two cases of the same claim entered Mon 20 April 2026: the letter is sent that day,
/// received on the second delivery day, Wed 22 April, and its fourteen days end Wed 6 May;
/// on Thu 7 May the dagvaarding is drafted for service on Fri 8 May, hearing Tue 19 May
/// (8 + 7 = Fri 15 May, a day equated with the holidays by decree (art. 3 lid 3 Atw), so
/// the week runs to Mon 18 May; the hearing the next working day). On 8 May the debtor
/// refuses the writ; a new attempt on Fri 15 May is refused, named (no writ on an equated
/// day, art. 64 lid 2 Rv); re-planned for Mon 18 May and served then in person. The drafted
/// hearing of 19 May would leave less than the week, so the hearing follows the real
/// service: 18 + 7 = Mon 25 May, Whit Monday, so the week runs to Tue 26 May; the hearing
/// the next working day, Wed 27 May. The registry's last open day before it: Tue 26 May.
///
/// - The first case is filed on Tue 26 May, the last day (a filing dated Wed 27 May, or
///   before the service, is refused, named). The audit states the griffierecht the claimant
///   owes from the filing, the draft's figure unchanged: the claim at the planned service
///   of 8 May, 1.825,00 + 38 days' interest (1 April – 8 May, 0,20 a day) 7,60 + collection
///   costs 273,75 + VAT 57,49 = 2.163,84, is in the class 1.500–2.500; the hearing falls in
///   2026; Acme has a KvK number (a legal person): € 397,00. (The draft's claim as of its
///   hearing of 19 May, 1.825,00 + 49 days 9,80 + 331,24 = 2.166,04, stays the draft's too.)
///   On Wed 27 May its `hearing` task opens.
/// - The second is not filed: on Wed 27 May its `enrol` task is cancelled and an
///   `enrolment_lapsed` task says the aanhangigheid lapses unless a herstelexploot is
///   served within two weeks after the roldatum: by Wed 10 June (27 May + 14). It is served
///   Mon 1 June for the roldatum Tue 9 June (1 + 7 = Mon 8 June, the hearing the day
///   after; a roldatum of Mon 8 June is refused, named), to be filed by Mon 8 June.
async fn the_summons_filed_in_time_and_one_not_filed(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-04-20T08:00:00Z")).await;
    put_recording_client(&server).await;
    let filed = create_case(&server, "ROL-1").await;
    let lapsed = create_case(&server, "ROL-2").await;
    advance_to(&server, "2026-05-07T08:00:00Z").await;
    for id in [&filed, &lapsed] {
        let s = get(&server, id).await.summons.expect("drafted");
        assert_eq!(
            [&s.planned_service_on, &s.hearing_date],
            ["2026-05-08", "2026-05-19"]
        );
        let approval = open_task(&server, id, "summons_approval").await;
        complete_with(&server, &approval, "approve", &[])
            .await
            .expect("approve");
    }
    advance_to(&server, "2026-05-08T08:00:00Z").await;
    for id in [&filed, &lapsed] {
        let service = open_task(&server, id, "service").await;
        complete_with(
            &server,
            &service,
            "not_served",
            &[("attempted_on", "2026-05-08"), ("found", "refused")],
        )
        .await
        .expect("refused");
        let failed = open_task(&server, id, "service_failed").await;
        let equated = complete_with(&server, &failed, "replan", &[("planned_on", "2026-05-15")])
            .await
            .expect_err("no writ on a day equated with the holidays");
        assert_eq!(bad_fields(&equated), ["values[\"planned_on\"]"]);
        complete_with(&server, &failed, "replan", &[("planned_on", "2026-05-18")])
            .await
            .expect("replanned");
    }
    advance_to(&server, "2026-05-18T08:00:00Z").await;
    for id in [&filed, &lapsed] {
        let service = open_task(&server, id, "service").await;
        complete_with(
            &server,
            &service,
            "in_person",
            &[("served_on", "2026-05-18")],
        )
        .await
        .expect("served");
        let s = get(&server, id).await.summons.expect("served");
        assert_eq!(
            [&s.served_on, &s.hearing_date],
            ["2026-05-18", "2026-05-27"]
        );
        let enrol = open_task(&server, id, "enrol").await;
        assert_eq!(enrol.due_on, "2026-05-26");
    }

    // The first: filed on the last day.
    advance_to(&server, "2026-05-26T08:00:00Z").await;
    let enrol = open_task(&server, &filed, "enrol").await;
    let late = complete_with(&server, &enrol, "filed", &[("filed_on", "2026-05-27")])
        .await
        .expect_err("after the last day");
    assert_eq!(bad_fields(&late), ["values[\"filed_on\"]"]);
    let early = complete_with(&server, &enrol, "filed", &[("filed_on", "2026-05-14")])
        .await
        .expect_err("before the service");
    assert_eq!(bad_fields(&early), ["values[\"filed_on\"]"]);
    complete_with(&server, &enrol, "filed", &[("filed_on", "2026-05-26")])
        .await
        .expect("filed");
    let enrolled = audit_of(&server, &db, &filed, "summons_enrolled").await;
    assert_eq!(enrolled.len(), 1);
    assert_eq!(enrolled[0]["filed_on"], "2026-05-26");
    assert_eq!(enrolled[0]["enrol_by"], "2026-05-26");
    assert_eq!(enrolled[0]["hearing_date"], "2026-05-27");
    assert_eq!(enrolled[0]["amounts"]["court_fee"], "397.00");
    let s = get(&server, &filed).await.summons.expect("summons");
    assert_eq!([&s.claim_total, &s.court_fee], ["2166.04", "397.00"]);

    advance_to(&server, "2026-05-27T08:00:00Z").await;
    assert_eq!(open_kinds(&server, &filed).await, ["hearing"]);

    // The second: not filed; the roldatum finds it so.
    assert_eq!(open_kinds(&server, &lapsed).await, ["enrolment_lapsed"]);
    let lapse = open_task(&server, &lapsed, "enrolment_lapsed").await;
    assert!(lapse.title.contains("2026-06-10"), "{}", lapse.title);
    let notice = audit_of(&server, &db, &lapsed, "enrolment_lapsed").await;
    assert_eq!(notice[0]["enrol_by"], "2026-05-26");
    assert_eq!(notice[0]["restore_by"], "2026-06-10");
    assert!(
        audit_of(&server, &db, &lapsed, "summons_enrolled")
            .await
            .is_empty()
    );
    assert_eq!(get(&server, &lapsed).await.stage, pb::Stage::Summons as i32);

    advance_to(&server, "2026-06-01T08:00:00Z").await;
    let too_soon = complete_with(
        &server,
        &lapse,
        "restored",
        &[("served_on", "2026-06-01"), ("hearing_date", "2026-06-08")],
    )
    .await
    .expect_err("within the week");
    assert_eq!(bad_fields(&too_soon), ["values[\"hearing_date\"]"]);
    complete_with(
        &server,
        &lapse,
        "restored",
        &[("served_on", "2026-06-01"), ("hearing_date", "2026-06-09")],
    )
    .await
    .expect("herstelexploot");
    let restored = audit_of(&server, &db, &lapsed, "summons_restored").await;
    assert_eq!(restored[0]["hearing_date"], "2026-06-09");
    assert_eq!(restored[0]["enrol_by"], "2026-06-08");
    let enrol = open_task(&server, &lapsed, "enrol").await;
    assert_eq!(enrol.due_on, "2026-06-08");
    assert_eq!(
        get(&server, &lapsed)
            .await
            .summons
            .expect("summons")
            .hearing_date,
        "2026-06-09"
    );
    server.stop().await;
}

on_both_backends!(the_summons_filed_in_time_and_one_not_filed);

/// (c) A hearing adjourned once, then contested with a defence, then the contested
/// judgment registered and executed.
///
/// The roldatum of Wed 3 June (`to_the_hearing`) is adjourned to Wed 17 June (a Saturday,
/// 13 June, is refused: no court day; so is 3 June itself). On 17 June the debtor contests
/// the claim: the defence is a note of kind `defence` of that day, by the case handler who
/// recorded it, and the case waits in the judgment stage with a `judgment_expected` task
/// due Wed 1 July, the day the court named. The contested judgment of 1 July is registered
/// that day: the task is closed, the case goes to execution, and on Thu 2 July the bailiff
/// is asked to record the judgment's service; served in person that day, the order to pay
/// runs Fri 3 and Sat 4 July, extended to Mon 6 July (Atw art. 1).
async fn a_hearing_adjourned_then_contested_then_judged(db: TestDb) {
    let server = TestServer::start_at(&db, at("2026-05-04T08:00:00Z")).await;
    put_recording_client(&server).await;
    let id = to_the_hearing(&server, "VERWEER-1").await;
    let first = open_task(&server, &id, "hearing").await;
    assert_eq!(first.outcomes, ["default", "contested", "adjourned"]);
    for (day, why) in [("2026-06-13", "a Saturday"), ("2026-06-03", "the same day")] {
        let refused = complete_with(&server, &first, "adjourned", &[("new_date", day)])
            .await
            .expect_err(why);
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{why}");
        assert_eq!(bad_fields(&refused), ["values[\"new_date\"]"], "{why}");
    }
    let unknown = complete_with(&server, &first, "settled", &[])
        .await
        .expect_err("no such outcome");
    assert_eq!(bad_fields(&unknown), ["outcome"]);
    complete_with(&server, &first, "adjourned", &[("new_date", "2026-06-17")])
        .await
        .expect("adjourned");
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Summons as i32);
    assert_eq!(case.summons.expect("summons").hearing_date, "2026-06-17");
    assert!(open_kinds(&server, &id).await.is_empty());

    advance_to(&server, "2026-06-17T08:00:00Z").await;
    let second = open_task(&server, &id, "hearing").await;
    let missing = complete_with(
        &server,
        &second,
        "contested",
        &[("judgment_expected_on", "2026-06-17")],
    )
    .await
    .expect_err("no defence, judgment on the hearing day");
    assert_eq!(
        bad_fields(&missing),
        ["values[\"defence\"]", "values[\"judgment_expected_on\"]"]
    );
    let defence = "Debiteur betwist de levering in maart 2026: de meter stond stil.";
    complete_with(
        &server,
        &second,
        "contested",
        &[("defence", defence), ("judgment_expected_on", "2026-07-01")],
    )
    .await
    .expect("contested");
    assert_eq!(get(&server, &id).await.stage, pb::Stage::Judgment as i32);
    let notes = server
        .cases()
        .list_notes(pb::ListNotesRequest {
            case_id: id.clone(),
        })
        .await
        .expect("ListNotes")
        .into_inner()
        .notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(
        (notes[0].kind.as_str(), notes[0].text.as_str()),
        ("defence", defence)
    );
    let expected = open_task(&server, &id, "judgment_expected").await;
    assert_eq!(expected.due_on, "2026-07-01");

    advance_to(&server, "2026-07-01T08:00:00Z").await;
    register_judgment(&server, &id, "2026-07-01", pb::judgment::Kind::Contested).await;
    let case = get(&server, &id).await;
    assert_eq!(case.stage, pb::Stage::Execution as i32);
    assert_eq!(
        case.judgment.expect("judgment").kind,
        pb::judgment::Kind::Contested as i32
    );
    assert!(
        open_kinds(&server, &id).await.is_empty(),
        "the wait is over"
    );

    advance_to(&server, "2026-07-02T08:00:00Z").await;
    let service = open_task(&server, &id, "service").await;
    complete_with(
        &server,
        &service,
        "in_person",
        &[("served_on", "2026-07-02")],
    )
    .await
    .expect("served");

    let adjourned = audit_of(&server, &db, &id, "hearing_adjourned").await;
    assert_eq!(adjourned.len(), 1);
    assert_eq!(
        [&adjourned[0]["from"], &adjourned[0]["to"]],
        ["2026-06-03", "2026-06-17"]
    );
    let contested = audit_of(&server, &db, &id, "hearing_contested").await;
    assert_eq!(contested[0]["hearing_date"], "2026-06-17");
    assert_eq!(contested[0]["judgment_expected_on"], "2026-07-01");
    assert_eq!(contested[0]["note"]["text"], defence);
    assert_eq!(contested[0]["note"]["author"], notes[0].author);
    let served = audit_of(&server, &db, &id, "judgment_served").await;
    assert_eq!(served[0]["served_on"], "2026-07-02");
    assert_eq!(served[0]["order_to_pay_ends_on"], "2026-07-06");
    server.stop().await;
}

on_both_backends!(a_hearing_adjourned_then_contested_then_judged);
