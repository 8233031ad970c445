-- Every indicator declares its unit, and where the unit comes from: the standard's own text, its definition, or
-- what Mitra assumes when no open source states it. The unit column holds the unit's canonical spelling.
alter table indicators add column unit_basis text;
