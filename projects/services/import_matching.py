"""Which district, street, unit, leader and project each row of an imported list names: the
district among those under the importing office, everything else within the row's district."""

import re
from dataclasses import dataclass

from django.db.models import Max

from projects.choices import RegionKind
from projects.importers.cells import normalize_text
from projects.importers.names import PROPOSAL_SCORE, likeness, name_key, owner_key
from projects.models import Assignment, Leader, Listing, Project, Region, Street, Unit
from projects.scoping import regions_under

DISTRICT_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
# What follows a county's name when it names a road instead (叶县路, 宝丰大街): not the district.
ROAD_WORDS = ("路", "街", "大道")


@dataclass(frozen=True)
class KnownProject:
    pk: int
    name: str
    code: str
    street_id: int
    unit_id: int
    owner: str  # importers.names.owner_key


@dataclass(frozen=True)
class Suggestion:
    """An existing project proposed as the one a row names under another name (RowMatcher._propose),
    with how alike the names are and the admin's decision (the project's id accepted, 0 rejected,
    None not yet decided)."""

    project: KnownProject
    score: int
    decision: int = None

    @property
    def accepted(self):
        return self.decision == self.project.pk


class RowMatcher:
    """Gives each row its district among those under the importing office, and matches names in
    the file to that district's streets, units, leaders and projects: a unit or project name
    repeats from one district to the next (区住建局), so a name is only ever looked up in its row's
    district. Leaders are those of the district and of the offices above it up to the importing one.

    Every project's name and code are read as plain values; only the projects the file names
    are loaded as objects (a province holds tens of thousands)."""

    def __init__(self, rows, office, decisions=None):
        self.office = office
        under = regions_under(office.pk)
        self.scope = {region.pk: region for region in Region.objects.filter(pk__in=under)}
        self.region_codes, self.region_names, self.district_names = {}, set(), {}
        for region in Region.objects.only("pk", "code", "name", "kind", "parent_id"):
            self.region_codes[region.code] = region
            self.region_names.add(normalize_text(region.name))
            if region.kind == RegionKind.DISTRICT:
                self.district_names.setdefault(normalize_text(region.name), []).append(region)
        self.streets = {}
        for street in Street.objects.filter(district__in=under):
            self.streets.setdefault(street.district_id, []).append((normalize_text(street.name), street))
        self.units = {
            (unit.district_id, normalize_text(unit.name)): unit for unit in Unit.objects.filter(district__in=under)
        }
        self.leaders = {}
        for leader in Leader.objects.filter(is_active=True, region__in=under):
            self.leaders.setdefault((leader.region_id, normalize_text(leader.name)), []).append(leader)
        self.assigned = set(
            Assignment.objects.filter(active=True, project__district__in=under).values_list("project_id", "leader_id")
        )
        # Codes are unique across the installation; names only within a district.
        self.by_code = {
            code: (pk, district_id)
            for code, pk, district_id in Project.objects.filter(code__isnull=False)
            .values_list("code", "pk", "district")
            .order_by()
        }
        self._index_names(under)
        self._named_cache, self._streets_cache = {}, {}
        self.row_districts = {(row.sheet, row.row): self._district_of(row.values) for row in rows}
        self.row_projects, self.suggestions = {}, {}
        for row in rows:
            district = self.district(row)
            if district is not None and row.values.get("name"):
                self.row_projects[(row.sheet, row.row)] = self._project_id(row.values, district)
        self._propose(rows, decisions or {})
        wanted = {pk for pk, _ in self.row_projects.values()} - {None}
        self.projects = Project.objects.select_related("street", "unit").in_bulk(wanted)
        # The latest year each of them is listed in: an older year's list does not rename them back.
        self.latest_years = dict(
            Listing.objects.filter(project__in=wanted).values_list("project").annotate(Max("year")).order_by()
        )

    def _index_names(self, under):
        """Every project of the office's districts by its name (and its former names), as written
        (normalize_text) and by its key (importers.names.name_key), read as plain values."""
        self.by_name, self.by_key, self.by_owner, self.known, self.owners = {}, {}, {}, {}, set()
        projects = Project.objects.filter(district__in=under).values_list(
            "pk", "district", "name", "former_names", "code", "street", "unit", "owner"
        )
        former = []
        for pk, district_id, name, former_names, code, street_id, unit_id, owner in projects:  # in name order
            self.known[pk] = known = KnownProject(pk, name, code, street_id, unit_id, owner_key(owner))
            self.by_name.setdefault((district_id, normalize_text(name)), pk)
            self.by_key.setdefault((district_id, name_key(name)), []).append(pk)
            self.by_owner.setdefault((district_id, street_id, known.owner), []).append(pk)
            self.owners.add((district_id, known.owner))
            former += [(district_id, old, pk) for old in former_names.splitlines() if old.strip()]
        for district_id, old, pk in former:  # a current name wins over another project's former one
            self.by_name.setdefault((district_id, normalize_text(old)), pk)
            keyed = self.by_key.setdefault((district_id, name_key(old)), [])
            if pk not in keyed:
                keyed.append(pk)

    # --- districts ---------------------------------------------------------------------------------

    def district(self, row):
        """The row's district, or None when it has none the office may import to."""
        return self.row_districts[(row.sheet, row.row)][0]

    def district_problem(self, row):
        """(column, message) of why the row has no district."""
        return self.row_districts[(row.sheet, row.row)][1:]

    def _district_of(self, values):
        """(district, column, message): the district a row names in its 所在县区 column, else in its
        建设地点; when it names none, a district office's own. A district that is not under the
        office, several districts, or none for a city's or province's office: None and why."""
        given = values.get("district")
        column = "district" if given else "location"
        text = given or values.get("location") or ""
        named, namesakes = self._named(text)
        if namesakes:
            return None, column, f"「{namesakes[0]}」有重名，请改填六位行政区划代码。"
        if len(named) > 1:
            names = "、".join(district.name for district in named)
            return None, column, f"「{text}」涉及多个县区（{names}），请只填一个所在县区。"
        if named:
            district = named[0]
            if district.pk not in self.scope:
                return None, column, f"「{district.name}」不在本项目办管理范围内：{self._scope_words()}。"
            location = values.get("location") or ""
            elsewhere = [region for region in self._named(location)[0] if region != district] if given else []
            if elsewhere:
                return None, "location", f"「{location}」与所在县区「{district.name}」不是同一个县区。"
            return district, None, None
        if given:
            key = normalize_text(given)
            if key in self.region_codes or key in self.region_names:
                return None, column, f"「{given}」不是县（市、区），请填写项目所在的县区{self._example()}。"
            return None, column, f"未知县区「{given}」，请填写县（市、区）的名称或六位行政区划代码{self._example()}。"
        if self.office.kind == RegionKind.DISTRICT:
            return self.office, None, None
        column = "location" if given is None else "district"
        return (
            None,
            column,
            f"请填写所在县区{self._example()}：{self._scope_words()}，每行都须写明是哪个县（市、区）的。",
        )

    def _named(self, text):
        """The districts a cell names by code or by name ([], and the names that are ambiguous). Of
        two names one inside the other (卫东区 and a 东区 elsewhere) the longer is meant; of
        namesakes, the one under the office."""
        key = normalize_text(text)
        if key not in self._named_cache:
            named = []
            for code in DISTRICT_CODE.findall(key):
                region = self.region_codes.get(code)
                if region is not None and region.kind == RegionKind.DISTRICT and region not in named:
                    named.append(region)
            names = [name for name in self.district_names if _names_place(key, name)]
            namesakes = []
            for name in names:
                if any(name != other and name in other for other in names):
                    continue
                candidates = self.district_names[name]
                candidates = [region for region in candidates if region.pk in self.scope] or candidates
                if any(region in named for region in candidates):
                    continue  # named by its code too
                if len(candidates) > 1:
                    namesakes.append(candidates[0].name)
                else:
                    named.append(candidates[0])
            named.sort(key=lambda region: _first_position(key, normalize_text(region.name), region.code))
            self._named_cache[key] = (named, namesakes)
        return self._named_cache[key]

    def _scope_words(self):
        if self.office.kind == RegionKind.DISTRICT:
            return f"{self.office.office_name}只能导入{self.office.name}的项目"
        return f"{self.office.office_name}只能导入{self.office.name}所辖县（市、区）的项目"

    def _example(self):
        districts = sorted(
            (region for region in self.scope.values() if region.kind == RegionKind.DISTRICT), key=lambda r: r.code
        )
        return f"（如「{districts[0].name}」或「{districts[0].code}」）" if districts else ""

    # --- within a district ---------------------------------------------------------------------------

    def streets_of(self, district):
        return [street for _, street in self.streets.get(district.pk, [])]

    def streets_in(self, district, text):
        """The district's streets a location names: by full name, else by name without 街道 (a
        location repeats row after row: each is looked up once)."""
        found = self._streets_cache.get((district.pk, text))
        if found is None:
            key = normalize_text(text)
            streets = self.streets.get(district.pk, [])
            found = [street for name, street in streets if name in key]
            if not found:
                found = [street for name, street in streets if name.removesuffix("街道") in key]
            self._streets_cache[(district.pk, text)] = found
        return list(found)

    def street(self, row, district, refuse):
        """The district's street the row's location names; a district without streets on record takes
        none (a county's list names towns, not streets)."""
        location = row.values["location"]
        streets = self.streets_in(district, location) if location else []
        if len(streets) == 1:
            return streets[0]
        if len(streets) > 1:
            names = "、".join(s.name for s in streets)
            refuse("location", f"「{location}」涉及多个街道（{names}），请只填一个所在街道。")
            return None
        known = self.streets_of(district)
        if known:
            what = (
                f"未知街道「{location}」"
                if location and not self.names_only_its_district(district, location)
                else "缺少建设地点（所在街道）"
            )
            whose = "" if self.office.pk == district.pk else district.name
            refuse("location", f"{what}。{whose}已知街道：{'、'.join(s.name for s in known)}。")
        return None

    def names_only_its_district(self, district, text):
        """Whether a location says no more than its district (卫东区, 410403)."""
        key = normalize_text(text)
        return not key.replace(normalize_text(district.name), "").replace(district.code, "")

    def unit(self, district, name):
        return self.units.get((district.pk, normalize_text(name)))

    def leaders_named(self, district, name):
        """Active leaders of that name, of the district or of an office above it up to the importing one."""
        key, found, region = normalize_text(name), [], district
        while region is not None:
            found += self.leaders.get((region.pk, key), [])
            region = self.scope.get(region.parent_id) if region.pk != self.office.pk else None
        return found

    def _project_id(self, values, district):
        """(the existing project a row names, or None; why the row cannot be imported, or None): by
        its code, which must be the district's own project; else by its name within the district,
        as written; else by its name's key (name_key) where the street or the unit agrees."""
        code = values.get("code")
        if code and code in self.by_code:
            pk, district_id = self.by_code[code]
            other = self.scope.get(district_id)
            if district_id == district.pk:
                return pk, None
            if other is None:
                return None, f"项目代码「{code}」已被本项目办管理范围以外的项目使用，不能导入。"
            return None, f"项目代码「{code}」是{other.name}的项目，与本行所在县区「{district.name}」不符。"
        pk = self.by_name.get((district.pk, normalize_text(values["name"])))
        keyed = self.by_key.get((district.pk, name_key(values["name"])), []) if pk is None else []
        if keyed:
            street, unit = self._street_and_unit(values, district)
            keyed = [candidate for candidate in keyed if not self._codes_differ(code, candidate)]
            agreeing = [
                candidate
                for candidate in keyed
                if (street is not None and self.known[candidate].street_id == street.pk)
                or (unit is not None and self.known[candidate].unit_id == unit.pk)
            ]
            if len(agreeing) == 1:
                pk = agreeing[0]
            elif street is None and unit is None and len(keyed) == 1:
                pk = keyed[0]  # the row says neither: the one project of that name in the district
        return pk, None

    def _codes_differ(self, code, pk):
        """Whether the row's code and the project's are both there and not the same: two projects."""
        known = self.known[pk].code
        return bool(code and known and code != known)

    def _street_and_unit(self, values, district):
        """The street and the unit a row names, when it names exactly one of each it can be read as."""
        streets = self.streets_in(district, values["location"]) if values.get("location") else []
        unit = self.unit(district, values["unit"]) if values.get("unit") else None
        return (streets[0] if len(streets) == 1 else None), unit

    def _propose(self, rows, decisions):
        """For a row naming no project: the project of its district, street and owner whose name is
        most alike (importers.names.likeness, at least PROPOSAL_SCORE), not named by another row,
        proposed to the admin; taken as the row's project only where ``decisions`` accepts it."""
        taken = {pk for pk, _ in self.row_projects.values()} - {None}
        for row in rows:
            where = (row.sheet, row.row)
            pk, problem = self.row_projects.get(where, (None, None))
            if pk is not None or problem or where not in self.row_projects:
                continue
            values, district = row.values, self.district(row)
            owner = owner_key(values.get("owner") or "")
            if (district.pk, owner) not in self.owners:
                continue  # no project of the district has that owner
            street, _ = self._street_and_unit(values, district)
            # A district with streets on record needs the row's street (or it is refused); one
            # without (a county's towns) compares the projects without a street.
            if street is None and self.streets.get(district.pk):
                continue
            street_id = street.pk if street is not None else None
            key, best = name_key(values["name"]), None
            for candidate in self.by_owner.get((district.pk, street_id, owner), []):
                known = self.known[candidate]
                if candidate in taken or self._codes_differ(values.get("code"), candidate):
                    continue
                score = likeness(key, name_key(known.name))
                if score >= PROPOSAL_SCORE and (best is None or score > best[1]):
                    best = (candidate, score)
            if best is None:
                continue
            self.suggestions[where] = Suggestion(self.known[best[0]], round(best[1]), decisions.get(where))
            if decisions.get(where) == best[0]:
                # Not taken from other rows' proposals: two rows accepting one project are refused
                # by the plan (import_duplicates.refuse_rows_sharing_a_project), naming both.
                self.row_projects[where] = (best[0], None)

    def project(self, row):
        """(the existing project the row names, or None; why the row cannot be imported, or None)."""
        pk, problem = self.row_projects.get((row.sheet, row.row), (None, None))
        return self.projects.get(pk), problem


def _names_place(text, name):
    """Whether ``text`` names the place ``name`` somewhere other than as the start of a road's name."""
    start = text.find(name)
    while start >= 0:
        if not text.startswith(ROAD_WORDS, start + len(name)):
            return True
        start = text.find(name, start + 1)
    return False


def _first_position(text, *words):
    """Where the first of ``words`` found in ``text`` begins (the districts a cell names, in its order)."""
    return min((text.find(word) for word in words if word in text), default=len(text))
