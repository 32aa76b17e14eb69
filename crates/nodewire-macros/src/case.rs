//! The `rename_all` rules: serde's, applied to a variant name written in `PascalCase`, plus
//! `dot.case` (the kernel's dotted event names).

/// How a variant name becomes its wire label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// `RaidMd` → `raidmd`.
    Lower,
    /// `RaidMd` → `RAIDMD`.
    Upper,
    /// `RaidMd` → `RaidMd`.
    Pascal,
    /// `RaidMd` → `raidMd`.
    Camel,
    /// `RaidMd` → `raid_md`.
    Snake,
    /// `RaidMd` → `RAID_MD`.
    ScreamingSnake,
    /// `RaidMd` → `raid-md`.
    Kebab,
    /// `RaidMd` → `RAID-MD`.
    ScreamingKebab,
    /// `RaidMd` → `raid.md`.
    Dot,
}

const RULES: [(&str, Rule); 9] = [
    ("lowercase", Rule::Lower),
    ("UPPERCASE", Rule::Upper),
    ("PascalCase", Rule::Pascal),
    ("camelCase", Rule::Camel),
    ("snake_case", Rule::Snake),
    ("SCREAMING_SNAKE_CASE", Rule::ScreamingSnake),
    ("kebab-case", Rule::Kebab),
    ("SCREAMING-KEBAB-CASE", Rule::ScreamingKebab),
    ("dot.case", Rule::Dot),
];

impl Rule {
    /// The names `rename_all` accepts, in the order serde documents them.
    pub(crate) fn names() -> impl Iterator<Item = &'static str> {
        RULES.iter().map(|(name, _)| *name)
    }

    /// The rule called `name`, as serde spells it.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        RULES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, rule)| *rule)
    }

    /// The label of the variant `name`. As in serde, a word starts at each uppercase letter;
    /// digits stay with the word before them (`Http2` → `http2`).
    pub(crate) fn apply(self, name: &str) -> String {
        match self {
            Self::Lower => name.to_ascii_lowercase(),
            Self::Upper => name.to_ascii_uppercase(),
            Self::Pascal => name.to_owned(),
            Self::Camel => {
                let mut chars = name.chars();
                chars.next().map_or_else(String::new, |first| {
                    first.to_ascii_lowercase().to_string() + chars.as_str()
                })
            }
            Self::Snake => separated(name, '_'),
            Self::ScreamingSnake => separated(name, '_').to_ascii_uppercase(),
            Self::Kebab => separated(name, '-'),
            Self::ScreamingKebab => separated(name, '-').to_ascii_uppercase(),
            Self::Dot => separated(name, '.'),
        }
    }
}

/// Lowercase words joined by `separator`.
fn separated(name: &str, separator: char) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, ch) in name.char_indices() {
        if i > 0 && ch.is_uppercase() {
            out.push(separator);
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn every_rule_on_names_with_words_and_digits() {
        let cases = [
            ("lowercase", ["raidmd", "http2", "vless"]),
            ("UPPERCASE", ["RAIDMD", "HTTP2", "VLESS"]),
            ("PascalCase", ["RaidMd", "Http2", "Vless"]),
            ("camelCase", ["raidMd", "http2", "vless"]),
            ("snake_case", ["raid_md", "http2", "vless"]),
            ("SCREAMING_SNAKE_CASE", ["RAID_MD", "HTTP2", "VLESS"]),
            ("kebab-case", ["raid-md", "http2", "vless"]),
            ("SCREAMING-KEBAB-CASE", ["RAID-MD", "HTTP2", "VLESS"]),
            ("dot.case", ["raid.md", "http2", "vless"]),
        ];
        for (name, labels) in cases {
            let rule = Rule::from_name(name).unwrap_or_else(|| panic!("{name} is a rule"));
            for (variant, label) in ["RaidMd", "Http2", "Vless"].into_iter().zip(labels) {
                assert_eq!(rule.apply(variant), label, "{name} of {variant}");
            }
        }
        assert_eq!(Rule::names().count(), cases.len());
    }

    #[test]
    fn longer_names_split_at_every_capital() {
        assert_eq!(
            Rule::Dot.apply("UserTrafficReported"),
            "user.traffic.reported"
        );
        assert_eq!(Rule::Snake.apply("LvmThinpool"), "lvm_thinpool");
        assert_eq!(Rule::Kebab.apply("SelfSigned"), "self-signed");
    }

    #[test]
    fn unknown_names_are_not_rules() {
        for name in ["snake", "Snake_Case", "", "dot-case"] {
            assert_eq!(Rule::from_name(name), None, "{name}");
        }
    }
}
