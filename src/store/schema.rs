//! diesel's view of the tables in `migrations/` (the same on both backends).

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        kvk_number -> Text,
        iban -> Text,
        street -> Text,
        postcode -> Text,
        city -> Text,
        country -> Text,
        email -> Text,
        vat_deductible -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    track_policies (client_id, version) {
        client_id -> Text,
        version -> BigInt,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        client_id -> Text,
        client_reference -> Text,
        content_hash -> Text,
        stage -> Text,
        suspension -> Text,
        close_reason -> Nullable<Text>,
        close_note -> Text,
        debtor_kind -> Text,
        debtor_kvk_number -> Nullable<Text>,
        principal_cents -> BigInt,
        received_at -> Timestamp,
        accepted_on -> Date,
        policy_version -> BigInt,
        version -> BigInt,
        notes -> Text,
        state -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        payment_reference -> Nullable<Text>,
    }
}

diesel::table! {
    parties (case_id, role) {
        case_id -> Text,
        role -> Text,
        kind -> Text,
        name -> Text,
        family_name -> Text,
        family_name_prefix -> Text,
        street -> Text,
        postcode -> Text,
        city -> Text,
        country -> Text,
        email -> Text,
        phone -> Text,
        kvk_number -> Text,
        date_of_birth -> Nullable<Date>,
        iban -> Text,
    }
}

diesel::table! {
    invoices (case_id, position) {
        case_id -> Text,
        position -> Integer,
        number -> Text,
        invoice_date -> Nullable<Date>,
        due_date -> Date,
        amount_cents -> BigInt,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        case_id -> Text,
        paid_on -> Date,
        amount_cents -> BigInt,
        invoice_number -> Text,
        reference -> Text,
        allocation -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    case_events (case_id, sequence) {
        case_id -> Text,
        sequence -> BigInt,
        kind -> Text,
        at -> Timestamp,
        actor -> Text,
        stage -> Text,
        suspension -> Text,
        reason -> Text,
        payload -> Text,
        policy_version -> BigInt,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        case_id -> Nullable<Text>,
        kind -> Text,
        payload -> Text,
        due_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        leased_by -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        trace_context -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tasks (id) {
        id -> Text,
        case_id -> Nullable<Text>,
        kind -> Text,
        queue -> Text,
        state -> Text,
        title -> Text,
        details -> Text,
        outcomes -> Text,
        claimed_by -> Text,
        outcome -> Text,
        note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        case_id -> Text,
        kind -> Text,
        title -> Text,
        media_type -> Text,
        sha256 -> Text,
        template_version -> Text,
        data -> Text,
        bytes -> Binary,
        size_bytes -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (scope, key) {
        scope -> Text,
        key -> Text,
        request_hash -> Text,
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    clock (id) {
        id -> Integer,
        now -> Timestamp,
    }
}

diesel::joinable!(track_policies -> clients (client_id));
diesel::joinable!(cases -> clients (client_id));
diesel::joinable!(parties -> cases (case_id));
diesel::joinable!(invoices -> cases (case_id));
diesel::joinable!(payments -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(documents -> cases (case_id));
