//! Expansion snapshots: each `tests/expand/<macro>/<case>.rs` holds one annotated
//! item; its expansion, formatted by prettyplease, must equal `<case>.expanded.rs`
//! beside it. `UPDATE_SNAPSHOTS=1 cargo test -p unokit-macros` rewrites them.

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::fs;
use std::path::Path;

/// Runs the macro named by `attr` on `item` (with `attr` removed from it).
fn expand(attr: &syn::Attribute, mut item: syn::Item) -> TokenStream {
    let name = attr
        .path()
        .get_ident()
        .expect("a bare macro name")
        .to_string();
    strip_attr(&mut item, attr);
    let item = item.into_token_stream();
    let args = || match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => TokenStream::new(),
    };
    match name.as_str() {
        "cached" => crate::cached::cached(args(), item),
        "partial_response" => crate::partial_response::partial_response(args(), item),
        "injectable" => crate::injectable::injectable(args(), item),
        "container" => crate::container::container(args(), item),
        "batch_load" => crate::batch_load::batch_load(args(), item),
        "derive" => {
            let derived = args().to_string();
            match derived.as_str() {
                "CacheKey" => crate::cache_key::derive(item),
                "Model" => crate::model::derive(item),
                "Sort" => crate::sort::derive(item),
                other => panic!("no snapshot support for derive({other})"),
            }
        }
        other => panic!("no snapshot support for #[{other}]"),
    }
}

fn strip_attr(item: &mut syn::Item, attr: &syn::Attribute) {
    let attrs = match item {
        syn::Item::Fn(item) => &mut item.attrs,
        syn::Item::Struct(item) => &mut item.attrs,
        syn::Item::Enum(item) => &mut item.attrs,
        syn::Item::Impl(item) => &mut item.attrs,
        other => panic!("no snapshot support for {}", other.to_token_stream()),
    };
    attrs.retain(|candidate| candidate != attr);
}

/// Expands the macro on the first item; for an `impl`, the macro on its first
/// method, whose expansion replaces that method.
fn expand_file(source: &str) -> String {
    let file: syn::File = syn::parse_str(source).expect("a snapshot input parses");
    let mut items = file.items;
    let first = items.remove(0);
    let expanded: syn::File = match first {
        syn::Item::Impl(mut block) => {
            let syn::ImplItem::Fn(method) = block.items.remove(0) else {
                panic!("an impl snapshot starts with a method");
            };
            let attr = ours(&method.attrs);
            let methods = expand(&attr, syn::parse_quote!(#method));
            let self_ty = &block.self_ty;
            let rest = &block.items;
            syn::parse2(quote::quote!(impl #self_ty { #methods #(#rest)* }))
                .expect("the expansion parses as impl items")
        }
        item => {
            let attr = ours(item_attrs(&item));
            syn::parse2(expand(&attr, item)).expect("the expansion parses as items")
        }
    };
    prettyplease::unparse(&expanded)
}

/// The attribute that invokes one of our macros.
fn ours(attrs: &[syn::Attribute]) -> syn::Attribute {
    attrs
        .iter()
        .find(|attr| {
            [
                "cached",
                "derive",
                "partial_response",
                "injectable",
                "container",
                "batch_load",
            ]
            .iter()
            .any(|name| attr.path().is_ident(name))
        })
        .expect("a snapshot input uses one of our macros")
        .clone()
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Fn(item) => &item.attrs,
        syn::Item::Struct(item) => &item.attrs,
        syn::Item::Enum(item) => &item.attrs,
        other => panic!("no snapshot support for {}", other.to_token_stream()),
    }
}

#[test]
fn expansions_match_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut mismatches = Vec::new();
    for dir in fs::read_dir(&root).expect("tests/expand exists") {
        for entry in fs::read_dir(dir.unwrap().path()).unwrap() {
            let input = entry.unwrap().path();
            let name = input.file_name().unwrap().to_string_lossy().into_owned();
            if !name.ends_with(".rs") || name.ends_with(".expanded.rs") {
                continue;
            }
            let expanded = expand_file(&fs::read_to_string(&input).unwrap());
            let snapshot = input.with_extension("expanded.rs");
            if update {
                fs::write(&snapshot, &expanded).unwrap();
            } else if fs::read_to_string(&snapshot).ok().as_deref() != Some(expanded.as_str()) {
                mismatches.push(snapshot.display().to_string());
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "expansions changed (review, then UPDATE_SNAPSHOTS=1 cargo test -p unokit-macros):\n{}",
        mismatches.join("\n")
    );
}
