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
        natural_person -> Bool,
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
    office_versions (version) {
        version -> BigInt,
        body -> Text,
        created_at -> Timestamp,
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
        paid_to_client -> Bool,
        reversed_on -> Nullable<Date>,
    }
}

diesel::table! {
    bank_entries (id) {
        id -> Text,
        account -> Text,
        reference -> Text,
        message_id -> Text,
        booking_date -> Date,
        amount_cents -> BigInt,
        direction -> Text,
        reversal -> Bool,
        return_reason -> Text,
        debtor_name -> Text,
        debtor_iban -> Text,
        creditor_reference -> Text,
        remittance -> Text,
        end_to_end_id -> Text,
        outcome -> Text,
        case_id -> Nullable<Text>,
        payment_id -> Text,
        task_id -> Nullable<Text>,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    payout_runs (id) {
        id -> Text,
        up_to_date -> Date,
        message_id -> Text,
        pain001 -> Text,
        total_cents -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payouts (id) {
        id -> Text,
        run_id -> Text,
        client_id -> Text,
        iban -> Text,
        received_cents -> BigInt,
        to_client_cents -> BigInt,
        to_office_cents -> BigInt,
        invoiced_cents -> BigInt,
        amount_cents -> BigInt,
        end_to_end_id -> Text,
        statement_csv -> Text,
        statement_pdf -> Binary,
        created_at -> Timestamp,
        returned_on -> Nullable<Date>,
        carries_shortfall -> Bool,
    }
}

diesel::table! {
    payout_lines (payment_id, seq) {
        payment_id -> Text,
        seq -> Integer,
        payout_id -> Text,
        case_id -> Text,
        paid_on -> Date,
        received_cents -> BigInt,
        to_client_cents -> BigInt,
        to_office_cents -> BigInt,
        paid_to_client -> Bool,
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
        due_on -> Nullable<Date>,
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

diesel::table! {
    /// The office's rate rows (`store::rates`), merged over the built-in table.
    office_rates (id) {
        id -> Text,
        series -> Text,
        valid_from -> Date,
        rate_bp -> BigInt,
        source -> Text,
        override_past -> Bool,
        added_by -> Text,
        added_at -> Timestamp,
    }
}
diesel::table! {
    office_tariff_years (id) {
        id -> Text,
        tariff -> Text,
        year -> Integer,
        figures -> Text,
        source -> Text,
        override_past -> Bool,
        added_by -> Text,
        added_at -> Timestamp,
    }
}

diesel::joinable!(payouts -> payout_runs (run_id));
diesel::joinable!(payout_lines -> payouts (payout_id));

diesel::table! {
    portal_users (id) {
        id -> Text,
        client_id -> Text,
        email -> Text,
        password_hash -> Text,
        failed_attempts -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    portal_sessions (secret_sha256) {
        secret_sha256 -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(portal_users -> clients (client_id));
diesel::joinable!(portal_sessions -> portal_users (user_id));

// The portal's case search filters cases by subqueries on their debtor and payments.
diesel::allow_tables_to_appear_in_same_query!(cases, parties, payments);

diesel::table! {
    /// Costs of a case for the client's own account (`store::client_charges`).
    client_charges (id) {
        id -> Text,
        case_id -> Text,
        incurred_on -> Date,
        amount_cents -> BigInt,
        description -> Text,
        recorded_at -> Timestamp,
    }
}
diesel::allow_tables_to_appear_in_same_query!(cases, client_charges);

diesel::table! {
    /// The debtor's name key and the exact keys' tokens of each case (`store::search`),
    /// full-text indexed.
    case_search (id) {
        id -> BigInt,
        case_id -> Text,
        name_key -> Text,
        keys -> Text,
    }
}
diesel::allow_tables_to_appear_in_same_query!(cases, case_search);

// A client's open decisions: tasks filtered by a subquery on their cases.
diesel::allow_tables_to_appear_in_same_query!(cases, tasks);
