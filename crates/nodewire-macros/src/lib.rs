//! Procedural macros behind `nodewire-common`. Use them through `nodewire_common`
//! (`nodewire_common::open_enum!`); their input grammar is that macro's.

use proc_macro::TokenStream;
use proc_macro2::{TokenStream as TokenStream2, TokenTree};
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitStr, Token, Visibility, braced};

mod case;

use case::Rule;

/// The front of `nodewire_common::open_enum!`: fills in every variant's wire label, derived
/// from its name by the enum's `#[rename_all = "…"]` rule unless written out, and hands the
/// enum to `nodewire_common::__open_enum!`.
///
/// Input: the path of `nodewire_common` (`$crate`), `;`, then the enum as `open_enum!` takes
/// it. Refused at compile time: a variant with no label and no rule, a written label that the
/// rule already gives, an unknown rule, a label used twice, and any attribute other than doc
/// comments and `rename_all`.
#[proc_macro]
pub fn open_enum_labels(input: TokenStream) -> TokenStream {
    let input = TokenStream2::from(input);
    let mut tokens = input.into_iter();
    let mut krate = TokenStream2::new();
    for token in tokens.by_ref() {
        match &token {
            TokenTree::Punct(p) if p.as_char() == ';' => break,
            _ => krate.extend([token]),
        }
    }
    let rest: TokenStream2 = tokens.collect();
    match syn::parse2::<OpenEnum>(rest).and_then(|open| open.expand(&krate)) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

/// `$(#[doc])* #[rename_all = "rule"]? vis enum Name { $(#[doc])* Variant (= "label")?, … }`.
struct OpenEnum {
    docs: Vec<Attribute>,
    rule: Option<(Rule, LitStr)>,
    vis: Visibility,
    name: Ident,
    variants: Punctuated<Variant, Token![,]>,
}

struct Variant {
    docs: Vec<Attribute>,
    ident: Ident,
    label: Option<LitStr>,
}

impl Parse for OpenEnum {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut docs = Vec::new();
        let mut rule = None;
        for attr in Attribute::parse_outer(input)? {
            if attr.path().is_ident("doc") {
                docs.push(attr);
            } else if attr.path().is_ident("rename_all") {
                if rule.is_some() {
                    return Err(syn::Error::new_spanned(attr, "`rename_all` is given twice"));
                }
                let text: LitStr = match &attr.meta.require_name_value()?.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }) => text.clone(),
                    other => {
                        return Err(syn::Error::new_spanned(
                            other,
                            "write `#[rename_all = \"snake_case\"]` (a string)",
                        ));
                    }
                };
                let parsed = Rule::from_name(&text.value()).ok_or_else(|| {
                    syn::Error::new(
                        text.span(),
                        format!(
                            "unknown `rename_all` rule `{}`; expected one of: {}",
                            text.value(),
                            Rule::names().collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?;
                rule = Some((parsed, text));
            } else {
                return Err(only_docs(&attr, "an open enum"));
            }
        }
        let vis = input.parse()?;
        input.parse::<Token![enum]>()?;
        let name = input.parse()?;
        let body;
        braced!(body in input);
        let variants = body.parse_terminated(Variant::parse, Token![,])?;
        Ok(Self {
            docs,
            rule,
            vis,
            name,
            variants,
        })
    }
}

impl Parse for Variant {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let docs = Attribute::parse_outer(input)?;
        if let Some(attr) = docs.iter().find(|attr| !attr.path().is_ident("doc")) {
            return Err(only_docs(attr, "a variant"));
        }
        let ident = input.parse()?;
        let label = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Some(input.parse()?)
        } else {
            None
        };
        Ok(Self { docs, ident, label })
    }
}

fn only_docs(attr: &Attribute, on: &str) -> syn::Error {
    syn::Error::new_spanned(
        attr,
        format!("open_enum! takes doc comments and `#[rename_all = \"…\"]` only, not this on {on}"),
    )
}

impl OpenEnum {
    fn expand(&self, krate: &TokenStream2) -> syn::Result<TokenStream2> {
        let mut seen: Vec<(String, &Ident)> = Vec::new();
        let mut variants = Vec::new();
        for variant in &self.variants {
            let ident = &variant.ident;
            let derived = self
                .rule
                .as_ref()
                .map(|(rule, _)| rule.apply(&ident.to_string()));
            let label = match (&variant.label, derived) {
                (Some(written), Some(derived)) if written.value() == derived => {
                    let rule = self.rule.as_ref().map(|(_, text)| text.value());
                    return Err(syn::Error::new(
                        written.span(),
                        format!(
                            "`{ident} = \"{derived}\"` repeats what `rename_all = \"{}\"` gives; \
                             write `{ident}` alone",
                            rule.unwrap_or_default()
                        ),
                    ));
                }
                (Some(written), _) => written.clone(),
                (None, Some(derived)) => LitStr::new(&derived, ident.span()),
                (None, None) => {
                    return Err(syn::Error::new(
                        ident.span(),
                        format!(
                            "`{ident}` has no wire label: write `{ident} = \"…\"`, or give the \
                             enum `#[rename_all = \"…\"]`"
                        ),
                    ));
                }
            };
            if let Some((_, first)) = seen.iter().find(|(text, _)| *text == label.value()) {
                return Err(syn::Error::new(
                    label.span(),
                    format!("the label `{}` is already `{first}`'s", label.value()),
                ));
            }
            seen.push((label.value(), ident));
            let docs = &variant.docs;
            variants.push(quote! { #(#docs)* #ident = #label, });
        }
        let docs = &self.docs;
        let vis = &self.vis;
        let name = &self.name;
        Ok(quote! {
            #krate::__open_enum! {
                #(#docs)*
                #vis enum #name {
                    #(#variants)*
                }
            }
        })
    }
}
