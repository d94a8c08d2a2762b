package form_test

// Test vectors from the XEPs' examples: the <x/> elements of XEP-0004
// section 8 (examples 2 to 8), XEP-0068 and XEP-0122.

const xepBotForm = `<x xmlns='jabber:x:data' type='form'>
      <title>Bot Configuration</title>
      <instructions>Fill out this form to configure your new bot!</instructions>
      <field type='hidden'
             var='FORM_TYPE'>
        <value>jabber:bot</value>
      </field>
      <field type='fixed'><value>Section 1: Bot Info</value></field>
      <field type='text-single'
             label='The name of your bot'
             var='botname'/>
      <field type='text-multi'
             label='Helpful description of your bot'
             var='description'/>
      <field type='boolean'
             label='Public bot?'
             var='public'>
        <required/>
      </field>
      <field type='text-private'
             label='Password for special access'
             var='password'/>
      <field type='fixed'><value>Section 2: Features</value></field>
      <field type='list-multi'
             label='What features will the bot support?'
             var='features'>
        <option label='Contests'><value>contests</value></option>
        <option label='News'><value>news</value></option>
        <option label='Polls'><value>polls</value></option>
        <option label='Reminders'><value>reminders</value></option>
        <option label='Search'><value>search</value></option>
        <value>news</value>
        <value>search</value>
      </field>
      <field type='fixed'><value>Section 3: Subscriber List</value></field>
      <field type='list-single'
             label='Maximum number of subscribers'
             var='maxsubs'>
        <value>20</value>
        <option label='10'><value>10</value></option>
        <option label='20'><value>20</value></option>
        <option label='30'><value>30</value></option>
        <option label='50'><value>50</value></option>
        <option label='100'><value>100</value></option>
        <option label='None'><value>none</value></option>
      </field>
      <field type='fixed'><value>Section 4: Invitations</value></field>
      <field type='jid-multi'
             label='People to invite'
             var='invitelist'>
        <desc>Tell all your friends about your new bot!</desc>
      </field>
    </x>`

const xepBotSubmit = `<x xmlns='jabber:x:data' type='submit'>
      <field type='hidden' var='FORM_TYPE'>
        <value>jabber:bot</value>
      </field>
      <field type='text-single' var='botname'>
        <value>The Jabber Google Bot</value>
      </field>
      <field type='text-multi' var='description'>
        <value>This bot enables you to send requests to</value>
        <value>Google and receive the search results right</value>
        <value>in your Jabber client. It&apos; really cool!</value>
        <value>It even supports Google News!</value>
      </field>
      <field type='boolean' var='public'>
        <value>0</value>
      </field>
      <field type='text-private' var='password'>
        <value>v3r0na</value>
      </field>
      <field type='list-multi' var='features'>
        <value>news</value>
        <value>search</value>
      </field>
      <field type='list-single' var='maxsubs'>
        <value>50</value>
      </field>
      <field type='jid-multi' var='invitelist'>
        <value>juliet@capulet.com</value>
        <value>benvolio@montague.net</value>
      </field>
    </x>`

const xepBotResult = `<x xmlns='jabber:x:data' type='result'>
      <field type='hidden' var='FORM_TYPE'>
        <value>jabber:bot</value>
      </field>
      <field type='text-single' var='botname'>
        <value>The Jabber Google Bot</value>
      </field>
      <field type='boolean' var='public'>
        <value>0</value>
      </field>
      <field type='text-private' var='password'>
        <value>v3r0na</value>
      </field>
      <field type='list-multi' var='features'>
        <value>news</value>
        <value>search</value>
      </field>
      <field type='list-single' var='maxsubs'>
        <value>50</value>
      </field>
      <field type='jid-multi' var='invitelist'>
        <value>juliet@capulet.com</value>
        <value>benvolio@montague.net</value>
      </field>
    </x>`

const xepSearchForm = `<x xmlns='jabber:x:data' type='form'>
      <title>Joogle Search</title>
      <instructions>Fill out this form to search for information!</instructions>
      <field type='text-single'
             var='search_request'>
        <required/>
      </field>
    </x>`

const xepSearchSubmit = `<x xmlns='jabber:x:data' type='submit'>
      <field type='text-single' var='search_request'>
        <value>verona</value>
      </field>
    </x>`

const xepSearchResult = `<x xmlns='jabber:x:data' type='result'>
      <title>Joogle Search: verona</title>
      <reported>
        <field var='name'/>
        <field var='url'/>
      </reported>
      <item>
        <field var='name'>
          <value>Comune di Verona - Benvenuti nel sito ufficiale</value>
        </field>
        <field var='url'>
          <value>http://www.comune.verona.it/</value>
        </field>
      </item>
      <item>
        <field var='name'>
          <value>benvenuto!</value>
        </field>
        <field var='url'>
          <value>http://www.hellasverona.it/</value>
        </field>
      </item>
      <item>
        <field var='name'>
          <value>Universita degli Studi di Verona - Home Page</value>
        </field>
        <field var='url'>
          <value>http://www.univr.it/</value>
        </field>
      </item>
      <item>
        <field var='name'>
          <value>Aeroporti del Garda</value>
        </field>
        <field var='url'>
          <value>http://www.aeroportoverona.it/</value>
        </field>
      </item>
      <item>
        <field var='name'>
          <value>Veronafiere - fiera di Verona</value>
        </field>
        <field var='url'>
          <value>http://www.veronafiere.it/</value>
        </field>
      </item>
    </x>`

// XEP-0068 example 1: no FORM_TYPE.
const xepVote = `<x xmlns='jabber:x:data' type='form'>
    <title>Vote #134</title>
    <instructions>
      This is the vote to pick a new mascot.
      Thanks for your time!
    </instructions>
    <field var='mascot' type='list-single'>
      <required/>
      <option label='Light Bulb'><value>light_bulb</value></option>
      <option label='Penguin'><value>penguin</value></option>
      <option label='Moose'><value>moose</value></option>
      <option label='Triangle Man'><value>triangle_man</value></option>
      <option label='Other'><value>other</value></option>
    </field>
  </x>`

// XEP-0068 example 2: FORM_TYPE and a Clark-notation var.
const xepPubsubAuth = `<x xmlns="jabber:x:data" type="form">
    <title>PubSub subscriber request</title>
    <instructions>To approve this entity's subscription request,
      click the OK button. To deny the request, click the
      cancel button.</instructions>
    <field var="FORM_TYPE" type="hidden">
      <value>http://jabber.org/protocol/pubsub#subscribe_authorization</value>
    </field>
    <field var="pubsub#node" type="hidden">
      <value>generic/pgm-mp3-player</value>
    </field>
    <field var="pubsub#subscriber_jid" type="jid-single"
           label="Jabber ID of Subscriber">
      <value>sub1@foo.com</value>
    </field>
    <field var="{http://example.com/pubsub}time_restrictions" type="text-multi"
           label="Limit to these time ranges">
      <value>09:00-12:00</value>
      <value>13:00-17:00</value>
    </field>
  </x>`

// XEP-0068 example 3, as printed: its options have no <value/>, which
// XEP-0004 forbids.
const xepBadFormType = `<x xmlns="jabber:x:data" type="form">
    <title>Balcony Scene (Act 2, Scene 2)</title>
    <instructions>But soft! What light through yonder window breaks?</instructions>
    <field var="FORM_TYPE" type="text-single">
      <value>http://jabber.org/protocol/shakespeare</value>
    </field>
    <field var="light" type="list-multi">
      <option label="Juliet">Sun</option>
      <option lable="Maid">Moon</option>
      <option label="Eyes">Stars</option>
    </field>
  </x>`

// XEP-0068 example 3 with the options repaired: FORM_TYPE is not hidden.
const xepNotHiddenFormType = `<x xmlns="jabber:x:data" type="form">
    <field var="FORM_TYPE" type="text-single">
      <value>http://jabber.org/protocol/shakespeare</value>
    </field>
    <field var="light" type="list-multi">
      <option label="Juliet"><value>Sun</value></option>
    </field>
  </x>`

// XEP-0068 example 6: a submission whose fields have no type.
const xepMUCRegisterSubmit = `<x xmlns='jabber:x:data' type='submit'>
      <field var='FORM_TYPE'>
        <value>http://jabber.org/protocol/muc#user</value>
      </field>
      <field var='muc#user_first'>
        <value>Brunhilde</value>
      </field>
      <field var='muc#user_last'>
        <value>Entwhistle-Throckmorton</value>
      </field>
      <field var='muc#user_roomnick'>
        <value>thirdwitch</value>
      </field>
      <field var='muc#user_url'>
        <value>http://witchesonline/~hag66/</value>
      </field>
      <field var='muc#user_email'>
        <value>hag66@witchesonline</value>
      </field>
      <field var='muc#user_faqentry'>
        <value>Just another witch.</value>
      </field>
    </x>`

// XEP-0122 examples, in one form.
const xepValidation = `<x xmlns='jabber:x:data' type='form'>
<field var='evt.date' type='text-single' label='Event Date/Time'>
  <validate xmlns='http://jabber.org/protocol/xdata-validate'
            datatype='xs:dateTime'/>
  <value>2003-10-06T11:22:00-07:00</value>
</field>
<field var='evt.date.basic' type='text-single' label='Event Date/Time'>
  <validate xmlns='http://jabber.org/protocol/xdata-validate'
            datatype='xs:dateTime'>
    <basic/>
  </validate>
  <value>2003-10-06T11:22:00-07:00</value>
</field>
<field var='evt.category'
       type='list-single'
       label='Event Category'>
  <validate xmlns='http://jabber.org/protocol/xdata-validate'
            datatype='xs:string'>
    <open/>
  </validate>
  <option><value>holiday</value></option>
  <option><value>reminder</value></option>
  <option><value>appointment</value></option>
</field>
<field var='evt.date.range' type='text-single' label='Event Date/Time'>
  <validate xmlns='http://jabber.org/protocol/xdata-validate'
            datatype='xs:dateTime'>
    <range min='2003-10-05T00:00:00-07:00'
           max='2003-10-24T23:59:59-07:00'/>
  </validate>
  <value>2003-10-06T11:22:00-07:00</value>
</field>
<field var='ssn' type='text-single' label='Social Security Number'>
  <desc>This field should be your SSN, including '-' (e.g. 123-12-1234)</desc>
  <validate xmlns='http://jabber.org/protocol/xdata-validate'
            datatype='xs:string'>
    <regex>([0-9]{3})-([0-9]{2})-([0-9]{4})</regex>
  </validate>
</field>
<field var='evt.notify-methods'
       type='list-multi'
       label='Notify me by'>
  <validate xmlns='http://jabber.org/protocol/xdata-validate'
            datatype='xs:string'>
    <basic/>
    <list-range min='1' max='3'/>
  </validate>
  <option><value>e-mail</value></option>
  <option><value>jabber/xmpp</value></option>
  <option><value>work phone</value></option>
  <option><value>home phone</value></option>
  <option><value>cell phone</value></option>
</field>
</x>`

// An XEP-0158 CAPTCHA field with an XEP-0221 media element, and an
// XEP-0122 prefixed validate element as XEP-0122 section 5.2 recommends.
const captchaForm = `<x xmlns='jabber:x:data' xmlns:xdv='http://jabber.org/protocol/xdata-validate' type='form'>
  <field type='hidden' var='FORM_TYPE'><value>urn:xmpp:captcha</value></field>
  <field label='Enter the text you see' var='ocr'>
    <media xmlns='urn:xmpp:media-element' height='80' width='290'>
      <uri type='image/jpeg'>cid:sha1+f24030b8d91d233bac14777be5ab531ca3b9f102@bob.xmpp.org</uri>
    </media>
    <required/>
  </field>
  <field type='text-single' var='date/start' label='Starting Date'>
    <xdv:validate datatype='xs:date' method='basic'/>
  </field>
</x>`
