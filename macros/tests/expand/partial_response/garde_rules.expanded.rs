#[derive(Serialize)]
struct UserOut {
    id: u64,
    #[serde(rename = "displayName")]
    name: String,
    email: String,
    note: String,
    secret: String,
    posts: Vec<PostOut>,
}
#[automatically_derived]
impl ::unokit::__private::select::Object for UserOut {
    const SCHEMA: &'static ::unokit::__private::select::Schema = &::unokit::__private::select::Schema {
        type_name: "UserOut",
        fields: &[
            ::unokit::__private::select::FieldSchema {
                name: "id",
                column: ::core::option::Option::Some("id"),
                shape: <u64 as ::unokit::__private::select::Selectable>::shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "displayName",
                column: ::core::option::Option::Some("name"),
                shape: <String as ::unokit::__private::select::Selectable>::shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "email",
                column: ::core::option::Option::Some("email"),
                shape: <String as ::unokit::__private::select::Selectable>::shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "note",
                column: ::core::option::Option::Some("note"),
                shape: <String as ::unokit::__private::select::Selectable>::shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "secret",
                column: ::core::option::Option::Some("secret"),
                shape: <String as ::unokit::__private::select::Selectable>::shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "posts",
                column: ::core::option::Option::Some("posts"),
                shape: <Vec<PostOut> as ::unokit::__private::select::Selectable>::shape,
            },
        ],
    };
}
#[automatically_derived]
impl ::unokit::__private::select::Selectable for UserOut {
    type Root = Self;
    #[inline]
    fn shape() -> ::unokit::__private::select::Shape {
        ::unokit::__private::select::Shape::Object(
            <Self as ::unokit::__private::select::Object>::SCHEMA,
        )
    }
    fn serialize_selected<__S>(
        &self,
        __node: &::unokit::__private::select::Node,
        __serializer: __S,
    ) -> ::core::result::Result<__S::Ok, __S::Error>
    where
        __S: ::unokit::__private::select::Serializer,
    {
        let ::core::option::Option::Some(
            ([__pick0, __pick1, __pick2, __pick3, __pick4, __pick5], __len),
        ) = __node.object_picks::<6>() else {
            return ::core::result::Result::Err(__node.mismatch::<__S::Error>("UserOut"));
        };
        let __len = if __node.has_conditional() {
            __len - ::core::primitive::usize::from(__pick0.drops(&self.id))
                - ::core::primitive::usize::from(__pick1.drops(&self.name))
                - ::core::primitive::usize::from(__pick2.drops(&self.email))
                - ::core::primitive::usize::from(__pick3.drops(&self.note))
                - ::core::primitive::usize::from(__pick4.drops(&self.secret))
                - ::core::primitive::usize::from(__pick5.drops(&self.posts))
        } else {
            __len
        };
        let mut __map = ::unokit::__private::select::Serializer::serialize_map(
            __serializer,
            ::core::option::Option::Some(__len),
        )?;
        if __pick0.keeps(&self.id) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "id",
                &::unokit::__private::select::selected::<u64>(&self.id, __pick0),
            )?;
        }
        if __pick1.keeps(&self.name) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "displayName",
                &::unokit::__private::select::selected::<String>(&self.name, __pick1),
            )?;
        }
        if __pick2.keeps(&self.email) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "email",
                &::unokit::__private::select::selected::<String>(&self.email, __pick2),
            )?;
        }
        if __pick3.keeps(&self.note) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "note",
                &::unokit::__private::select::selected::<String>(&self.note, __pick3),
            )?;
        }
        if __pick4.keeps(&self.secret) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "secret",
                &::unokit::__private::select::selected::<String>(&self.secret, __pick4),
            )?;
        }
        if __pick5.keeps(&self.posts) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "posts",
                &::unokit::__private::select::selected::<
                    Vec<PostOut>,
                >(&self.posts, __pick5),
            )?;
        }
        ::unokit::__private::select::SerializeMap::end(__map)
    }
    ::unokit::__private::select::with_validate! {
        fn validate_selected(& self, __pick : & ::unokit::__private::select::Pick,
        __report : & mut ::unokit::__private::select::Violations) { let __picks = match
        __pick { ::unokit::__private::select::Pick::Skip => return,
        ::unokit::__private::select::Pick::All => ::core::option::Option::None,
        ::unokit::__private::select::Pick::IfFields(__inner) => return self
        .validate_selected(__inner, __report),
        ::unokit::__private::select::Pick::Some(__node) => match __node.object_picks:: <
        6 > () { ::core::option::Option::Some((__picks, _)) =>
        ::core::option::Option::Some(__picks), ::core::option::Option::None => return, },
        }; { let __field : & ::unokit::__private::select::Pick = match __picks {
        ::core::option::Option::Some(__picks) => & __picks[0],
        ::core::option::Option::None => & ::unokit::__private::select::Pick::All, }; if
        __field.keeps(& self.id) { __report.check("id",
        ::unokit::__private::select::garde::rules::range::apply(& self.id,
        (::core::option::Option::Some(1), ::core::option::Option::None))); } } { let
        __field : & ::unokit::__private::select::Pick = match __picks {
        ::core::option::Option::Some(__picks) => & __picks[1],
        ::core::option::Option::None => & ::unokit::__private::select::Pick::All, }; if
        __field.keeps(& self.name) { __report.check("displayName",
        ::unokit::__private::select::garde::rules::length::chars::apply(& self.name, (1,
        40))); __report.check("displayName",
        ::unokit::__private::select::garde::rules::ascii::apply(& self.name, ())); } } {
        let __field : & ::unokit::__private::select::Pick = match __picks {
        ::core::option::Option::Some(__picks) => & __picks[2],
        ::core::option::Option::None => & ::unokit::__private::select::Pick::All, }; if
        __field.keeps(& self.email) { __report.check("email", (check_email) (& self
        .email, & ())); __report.check("email",
        ::unokit::__private::select::garde::rules::pattern::apply(& self.email, { static
        __PATTERN :
        ::unokit::__private::select::garde::rules::pattern::regex::StaticPattern =
        ::unokit::__private::select::garde::rules::pattern::regex::init_pattern!("^[^@]+@");
        (& __PATTERN,) })); } } { let __field : & ::unokit::__private::select::Pick =
        match __picks { ::core::option::Option::Some(__picks) => & __picks[5],
        ::core::option::Option::None => & ::unokit::__private::select::Pick::All, }; if
        __field.keeps(& self.posts) { __report.check("posts",
        ::unokit::__private::select::garde::rules::length::simple::apply(& self.posts,
        (0usize, 10))); __report.dive("posts", & self.posts, __field); } } }
    }
}
