#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserOut<T> {
    id: u64,
    display_name: String,
    #[serde(skip)]
    password_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bio: Option<String>,
    created_at: Timestamp,
    posts: Vec<T>,
}
#[automatically_derived]
impl<T> ::unokit::__private::select::Object for UserOut<T>
where
    T: ::unokit::__private::select::Selectable,
{
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
                column: ::core::option::Option::Some("display_name"),
                shape: <String as ::unokit::__private::select::Selectable>::shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "bio",
                column: ::core::option::Option::Some("bio"),
                shape: <Option<String> as ::unokit::__private::select::Selectable>::shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "createdAt",
                column: ::core::option::Option::Some("created"),
                shape: ::unokit::__private::select::leaf_shape,
            },
            ::unokit::__private::select::FieldSchema {
                name: "posts",
                column: ::core::option::Option::None,
                shape: <Vec<T> as ::unokit::__private::select::Selectable>::shape,
            },
        ],
    };
}
#[automatically_derived]
impl<T> ::unokit::__private::select::Selectable for UserOut<T>
where
    T: ::unokit::__private::select::Selectable,
{
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
            ([__pick0, __pick1, __pick2, __pick3, __pick4], __len),
        ) = __node.object_picks::<5>() else {
            return ::core::result::Result::Err(__node.mismatch::<__S::Error>("UserOut"));
        };
        let __len = __len
            - ::core::primitive::usize::from(
                !__pick2.is_skip() && Option::is_none(&self.bio),
            );
        let __len = if __node.has_conditional() {
            __len - ::core::primitive::usize::from(__pick0.drops(&self.id))
                - ::core::primitive::usize::from(__pick1.drops(&self.display_name))
                - ::core::primitive::usize::from(
                    __pick2.drops(&self.bio) && !Option::is_none(&self.bio),
                ) - ::core::primitive::usize::from(__pick4.drops(&self.posts))
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
        if __pick1.keeps(&self.display_name) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "displayName",
                &::unokit::__private::select::selected::<
                    String,
                >(&self.display_name, __pick1),
            )?;
        }
        if __pick2.keeps(&self.bio) && !Option::is_none(&self.bio) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "bio",
                &::unokit::__private::select::selected::<
                    Option<String>,
                >(&self.bio, __pick2),
            )?;
        }
        if !__pick3.is_skip() {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "createdAt",
                &self.created_at,
            )?;
        }
        if __pick4.keeps(&self.posts) {
            ::unokit::__private::select::SerializeMap::serialize_entry(
                &mut __map,
                "posts",
                &::unokit::__private::select::selected::<Vec<T>>(&self.posts, __pick4),
            )?;
        }
        ::unokit::__private::select::SerializeMap::end(__map)
    }
}
