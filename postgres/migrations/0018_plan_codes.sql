-- The registration's values in the code lists of the municipalities'
-- follow-up tools, which the follow-up export writes as columns, kept on
-- the plan (beredskap.FollowUpCodes): the export then reads no
-- registration. A plan made from here on gets them when it is made; the
-- plans made before get them here, computed from their registrations as
-- beredskap.CodesOf computes them (postgres.TestMigrationFillsPlanCodes
-- checks that the two agree). Not an expand migration: a previous release
-- would make plans without codes.
ALTER TABLE followup_plans
	ADD COLUMN quarantine_code text NOT NULL DEFAULT '',
	ADD COLUMN exemption_code text NOT NULL DEFAULT '',
	ADD COLUMN accommodation_code text NOT NULL DEFAULT '';

UPDATE followup_plans p SET
	quarantine_code = CASE
		WHEN (r.decision -> 'quarantine' ->> 'required')::boolean AND r.decision -> 'quarantine' ->> 'scope' = 'full'
		THEN '1001' ELSE '1002' END,
	exemption_code = coalesce((SELECT string_agg(DISTINCT code, ';' ORDER BY code) FROM (
		SELECT CASE x ->> 'code'
			WHEN 'exemption_critical_function' THEN '2005'
			WHEN 'exemption_invited_by_state' THEN '2007' END AS code
		FROM jsonb_array_elements(CASE jsonb_typeof(r.decision -> 'reasons')
			WHEN 'array' THEN r.decision -> 'reasons' ELSE '[]' END) x) c WHERE code IS NOT NULL), ''),
	accommodation_code = CASE r.registration -> 'accommodation' ->> 'type'
		WHEN 'quarantine_hotel' THEN '4001'
		WHEN 'ordinary_hotel' THEN '4001'
		WHEN 'own_home' THEN '4002'
		WHEN 'family_home' THEN '4002'
		WHEN 'employer_provided' THEN '4003'
		WHEN 'other_suitable' THEN '4004'
		ELSE '' END
FROM registrations r
WHERE r.receipt = p.receipt;
