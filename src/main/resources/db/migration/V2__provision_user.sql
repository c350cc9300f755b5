-- What every user starts with: the five brands of the old system and the built-in agents Toby and Lexi.
-- Idempotent, so it runs for the local user at every start and for a token's user on first sight.
CREATE FUNCTION maestro_provision_user(uid text) RETURNS void LANGUAGE sql AS $$
  INSERT INTO brands (user_id, brand_id, display_name, schedule_offset, primary_color, accent_color, topics) VALUES
    (uid, 'healthycollege',   'Healthy College',   0, '#1f6f5c', '#f2c14e',
     '["nutrition","sleep","hydration","gut health","meal prep","movement"]'),
    (uid, 'holisticcollege',  'Holistic College',  1, '#5b3f8c', '#e8a87c',
     '["mindfulness","breathwork","herbal remedies","stress","balance","rituals"]'),
    (uid, 'longevitycollege', 'Longevity College', 2, '#12355b', '#d4af37',
     '["healthspan","strength training","metabolic health","blood sugar","recovery","aging well"]'),
    (uid, 'vitalitycollege',  'Vitality College',  3, '#c0392b', '#fbe3a1',
     '["energy","morning routines","sunlight","protein","walking","focus"]'),
    (uid, 'wellbeingcollege', 'Wellbeing College', 4, '#2e7d9a', '#f6d6ad',
     '["mental health","social connection","journaling","nature","digital detox","gratitude"]')
  ON CONFLICT DO NOTHING;

  INSERT INTO agents (user_id, agent_id, display_name, personality, temperature, variant, proposal_prefix,
                      strategy_names, strategy_weights, risk_tolerance, proposals_per_brand, content_types,
                      is_builtin) VALUES
    (uid, 'toby', 'Toby',
     'Bold explorer: chases curiosity gaps, contrarian hooks and what is trending; willing to take creative risks.',
     0.90, 'dark', 'TOBY',
     '["explore","iterate","double_down","trending"]',
     '{"explore":0.30,"iterate":0.20,"double_down":0.30,"trending":0.20}', 'high', 1, '["post","reel"]', true),
    (uid, 'lexi', 'Lexi',
     'Careful analyst: builds on what performed, refines proven formats, systematic and evidence-led.',
     0.75, 'light', 'LEXI',
     '["analyze","refine","systematic","compound"]',
     '{"analyze":0.30,"refine":0.40,"systematic":0.15,"compound":0.15}', 'low', 1, '["post","reel"]', true)
  ON CONFLICT DO NOTHING;
$$;
