-- 030: the default sharing policy, written out so that the Account page shows and edits real rows.
-- For each owner side: what the users of the OTHER side see of its incidents. By default no
-- fabula and no exact location (the other side gets district-level aggregates).
-- Field names are analytics/sharing.py POLICY_FIELDS; 'coordinates' covers lat, lon, h3_r7, border_km.
INSERT INTO sharing_policy (owner_side, field, visible) VALUES
    ('KZ', 'summary', false), ('KZ', 'coordinates', false), ('KZ', 'settlement', false), ('KZ', 'extra', false),
    ('KZ', 'occurred_at', true), ('KZ', 'damage', true), ('KZ', 'source_id', true),
    ('KG', 'summary', false), ('KG', 'coordinates', false), ('KG', 'settlement', false), ('KG', 'extra', false),
    ('KG', 'occurred_at', true), ('KG', 'damage', true), ('KG', 'source_id', true)
ON CONFLICT (owner_side, field) DO NOTHING;
